import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { AppError } from '../common/errors/app-error.js';
import {
  buildExt,
  buildNormalizedString,
  computeMac,
  macRequestFromUrl,
  parseMacHeader,
  phpUrlencode,
} from './paysera-mac.protocol.js';
import {
  OffsetClock,
  PAYSERA_MAC_MESSAGES,
  PayseraMacService,
  toPayseraError,
  type MacCredentialRecord,
  type MacVerifyRequest,
} from './paysera-mac.service.js';
import { InMemoryReplayStore, type ReplayStore } from './replay.store.js';

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/paysera-mac-vectors.json', import.meta.url), 'utf8'));
const rfcFile = JSON.parse(readFileSync(new URL('../../test/fixtures/rfc7520-vectors.json', import.meta.url), 'utf8'));

interface Vector {
  n: number;
  method: string;
  url: string;
  requestUri: string;
  host: string;
  port: number;
  ts: number;
  nonce: string;
  body: string | null;
  ext: string;
  mac: string;
  header?: string;
}
const vectors: Vector[] = fixture.vectors;
const credentials = fixture.credentials as { macId: string; macKey: string };

class SpyStore implements ReplayStore {
  constructor(private readonly inner: ReplayStore) {}
  readonly claim = jest.fn((key: string, expiresAt: number) => this.inner.claim(key, expiresAt));
}

describe('Paysera MAC protocol (pure functions)', () => {
  it.each(vectors.map((v) => [v.n, v] as const))('vector %i: normalized string and MAC reproduce exactly', (_n, v) => {
    const parts = macRequestFromUrl(v.method, v.url);
    expect(parts).toEqual({ method: v.method, requestUri: v.requestUri, host: v.host, port: v.port });
    const ext = buildExt(v.body ?? undefined);
    expect(ext).toBe(v.ext);
    const normalized = buildNormalizedString(v.ts, v.nonce, parts, ext);
    expect(normalized.split('\n')).toHaveLength(8); // seven lines, each ending in \n
    expect(normalized.endsWith(`${v.port}\n${v.ext}\n`)).toBe(true);
    expect(computeMac(credentials.macKey, normalized)).toBe(v.mac);
  });

  it('reproduces the draft-01 example recomputed with HMAC-SHA256 and the Paysera-format worked example', () => {
    const draft = rfcFile.oauth_http_mac.draft_01_example;
    const normalized = buildNormalizedString(draft.ts, draft.nonce, { method: 'GET', requestUri: '/resource/1?b=1&a=2', host: 'example.com', port: 80 }, '');
    expect(normalized).toBe(draft.normalized_request_string);
    expect(computeMac(draft.key, normalized)).toBe(draft.computed_mac_hmac_sha256);
    expect(computeMac(draft.key, normalized)).not.toBe(draft.published_mac); // the published value is not an oracle

    const worked = rfcFile.oauth_http_mac.paysera_format_worked_example;
    const service = new PayseraMacService();
    const signed = service.sign(
      { method: worked.method, url: `https://${worked.host}${worked.request_uri}`, body: worked.body },
      { macId: 'my-mac-id', macKey: worked.mac_key },
      { ts: Number(worked.ts), nonce: worked.nonce },
    );
    expect(signed.ext).toBe(worked.ext);
    expect(buildNormalizedString(signed.ts, signed.nonce, macRequestFromUrl(worked.method, `https://${worked.host}${worked.request_uri}`), signed.ext)).toBe(
      worked.normalized_request_string,
    );
    expect(signed.mac).toBe(worked.mac);
    expect(signed.authorization).toBe(worked.authorization_header);
  });

  it('percent-encodes ext like PHP http_build_query', () => {
    expect(phpUrlencode('a+b/c=d e~!*')).toBe('a%2Bb%2Fc%3Dd+e%7E%21%2A');
    expect(buildExt('x', { lang: 'en us' })).toBe('body_hash=LXEWQrcmsEQBYnyp%2B6wy9chTD7GQPMTbAiWHF5IaSIE%3D&lang=en+us');
    expect(buildExt(undefined)).toBe('');
    expect(buildExt('')).toBe('');
  });

  it('takes the port from the URL or the scheme default, and the host in lowercase', () => {
    expect(macRequestFromUrl('get', 'https://Wallet.Paysera.com/rest/v1/x?b=2&a=1')).toEqual({
      method: 'GET',
      requestUri: '/rest/v1/x?b=2&a=1',
      host: 'wallet.paysera.com',
      port: 443,
    });
    expect(macRequestFromUrl('GET', 'http://localhost/x').port).toBe(80);
    expect(macRequestFromUrl('GET', 'https://localhost:8443/x').port).toBe(8443);
  });

  describe('parseMacHeader', () => {
    it('parses quoted values: nonces may hold spaces, commas and "="', () => {
      const header = 'MAC id="wkVd93h2uS",ts="1343818800",   nonce="a, b=c d,", mac="x+/=", ext="body_hash=abc%3D"';
      expect(parseMacHeader(header)).toEqual({ id: 'wkVd93h2uS', ts: '1343818800', nonce: 'a, b=c d,', mac: 'x+/=', ext: 'body_hash=abc%3D' });
    });

    it('treats a missing ext and ext="" the same', () => {
      const withEmpty = parseMacHeader('MAC id="i", ts="1", nonce="n", mac="m", ext=""');
      const without = parseMacHeader('MAC id="i", ts="1", nonce="n", mac="m"');
      expect(withEmpty).toEqual(without);
      expect(without?.ext).toBe('');
    });

    it.each([
      ['another scheme', 'Bearer abc'],
      ['no parameters', 'MAC '],
      ['missing mac', 'MAC id="i", ts="1", nonce="n"'],
      ['repeated parameter', 'MAC id="i", ts="1", nonce="n", mac="m", mac="m2"'],
      ['unknown parameter', 'MAC id="i", ts="1", nonce="n", mac="m", evil="1"'],
      ['non-numeric ts', 'MAC id="i", ts="1.5", nonce="n", mac="m"'],
      ['unquoted value', 'MAC id=i, ts="1", nonce="n", mac="m"'],
      ['trailing text', 'MAC id="i", ts="1", nonce="n", mac="m" junk'],
      ['unterminated quote', 'MAC id="i", ts="1", nonce="n", mac="m'],
    ])('refuses %s', (_label, header) => {
      expect(parseMacHeader(header)).toBeUndefined();
    });
  });
});

describe('PayseraMacService', () => {
  const v2 = vectors.find((v) => v.n === 2)!;
  const v5 = vectors.find((v) => v.n === 5)!;

  function setup(now: number, records: Record<string, MacCredentialRecord> = { [credentials.macId]: { macKey: credentials.macKey } }) {
    const store = new SpyStore(new InMemoryReplayStore({ clock: () => now }));
    const debug: string[] = [];
    const service = new PayseraMacService({ clock: () => now, replayStore: store, logger: { debug: (m) => debug.push(m), warn: () => undefined } });
    const lookup = jest.fn((id: string) => records[id]);
    return { service, store, lookup, debug };
  }

  function requestFor(v: Vector, authorization: string, overrides: Partial<MacVerifyRequest> = {}): MacVerifyRequest {
    return { method: v.method, requestUri: v.requestUri, host: v.host, port: v.port, body: v.body ?? undefined, authorization, ...overrides };
  }

  async function expectFailure(promise: Promise<unknown>, code: string, description: string) {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code, detail: description });
    return error as AppError;
  }

  it.each(vectors.map((v) => [v.n, v] as const))('sign reproduces vector %i', (_n, v) => {
    const { service } = setup(v.ts);
    const signed = service.sign({ method: v.method, url: v.url, body: v.body ?? undefined }, credentials, { ts: v.ts, nonce: v.nonce });
    expect(signed.mac).toBe(v.mac);
    expect(signed.ext).toBe(v.ext);
    const expectedHeader =
      v.header ?? `MAC id="${credentials.macId}", ts="${v.ts}", nonce="${v.nonce}", mac="${v.mac}"${v.ext ? `, ext="${v.ext}"` : ''}`;
    expect(signed.authorization).toBe(expectedHeader);
  });

  it.each(vectors.map((v) => [v.n, v] as const))('verify accepts vector %i at its own time and records the nonce', async (_n, v) => {
    const { service, store, lookup } = setup(v.ts + 10);
    const header = v.header ?? service.sign({ method: v.method, url: v.url, body: v.body ?? undefined }, credentials, { ts: v.ts, nonce: v.nonce }).authorization;
    const verified = await service.verify(requestFor(v, header), lookup);
    expect(verified).toMatchObject({ id: credentials.macId, ts: v.ts, nonce: v.nonce, ext: v.ext });
    expect(lookup).toHaveBeenCalledWith(credentials.macId);
    expect(store.claim).toHaveBeenCalledWith(`paysera-mac:${credentials.macId}:${v.ts}:${v.nonce}`, v.ts + 10 + 300 + 1);
  });

  it('accepts the Java/Swift form with ext="" on a GET', async () => {
    const v1 = vectors[0];
    const { service, lookup } = setup(v1.ts);
    const header = `MAC id="${credentials.macId}", ts="${v1.ts}", nonce="${v1.nonce}", mac="${v1.mac}", ext=""`;
    await expect(service.verify(requestFor(v1, header), lookup)).resolves.toMatchObject({ ext: '' });
  });

  it('uses fresh CSPRNG nonces that are safe inside quotes', () => {
    const service = new PayseraMacService();
    const nonces = new Set<string>();
    for (let i = 0; i < 10_000; i++) nonces.add(service.sign({ method: 'GET', url: 'https://wallet.paysera.com/rest/v1/server' }, credentials).nonce);
    expect(nonces.size).toBe(10_000);
    for (const nonce of [...nonces].slice(0, 100)) expect(nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('takes ts from a clock that carries the server offset', () => {
    const clock = new OffsetClock(() => 1_700_000_000);
    clock.syncTo(1_700_000_450);
    expect(clock.offset).toBe(450);
    const service = new PayseraMacService({ clock: clock.now });
    expect(service.sign({ method: 'GET', url: 'https://wallet.paysera.com/' }, credentials).ts).toBe(1_700_000_450);
  });

  it('a round trip signed by the client verifies at the emulator, with a nonce full of spaces and commas', async () => {
    const now = 1_700_000_000;
    const { service, lookup } = setup(now);
    const body = Buffer.from('{"payments":[{"price_decimal":"1.00"}]}');
    const signed = service.sign({ method: 'POST', url: 'https://localhost:8443/rest/v1/transaction?x=1', body }, credentials, { nonce: 'a b, c=d,' });
    await expect(
      service.verify({ method: 'POST', requestUri: '/rest/v1/transaction?x=1', host: 'localhost', port: 8443, body, authorization: signed.authorization }, lookup),
    ).resolves.toMatchObject({ nonce: 'a b, c=d,' });
  });

  describe('rejections (each asserts that nothing after the failing check ran)', () => {
    it('a tampered body: body hash mismatch, nonce not consumed', async () => {
      const { service, store, lookup, debug } = setup(v5.ts);
      const header = service.sign({ method: 'POST', url: v5.url, body: v5.body! }, credentials, { ts: v5.ts, nonce: v5.nonce }).authorization;
      const tampered = v5.body!.replace('1.00', '9.00');
      await expectFailure(service.verify(requestFor(v5, header, { body: tampered }), lookup), 'INVALID_SIGNATURE', PAYSERA_MAC_MESSAGES.bodyHash);
      expect(store.claim).not.toHaveBeenCalled();
      expect(debug).toEqual([`Paysera MAC rejected: ${PAYSERA_MAC_MESSAGES.bodyHash}`]);
    });

    it('a wrong port: MAC mismatch (signed for 8443, received on 443), nonce not consumed', async () => {
      const { service, store, lookup } = setup(v5.ts);
      const header = service.sign({ method: 'POST', url: v5.url, body: v5.body! }, credentials, { ts: v5.ts, nonce: v5.nonce }).authorization;
      await expectFailure(service.verify(requestFor(v5, header, { port: 443 }), lookup), 'INVALID_SIGNATURE', PAYSERA_MAC_MESSAGES.badMac);
      expect(store.claim).not.toHaveBeenCalled();
      // Control: the same request on the right port passes.
      await expect(service.verify(requestFor(v5, header), lookup)).resolves.toBeDefined();
    });

    it('a replayed nonce: the second identical request is refused', async () => {
      const { service, store, lookup } = setup(v2.ts);
      await service.verify(requestFor(v2, v2.header!), lookup);
      const error = await expectFailure(service.verify(requestFor(v2, v2.header!), lookup), 'REPLAY_DETECTED', PAYSERA_MAC_MESSAGES.replay);
      expect(store.claim).toHaveBeenCalledTimes(2);
      expect(toPayseraError(error)).toEqual({ status: 401, body: { error: 'unauthorized', error_description: 'Nonce already used' } });
    });

    it('an old timestamp (beyond 300 s) is refused before the MAC is even computed', async () => {
      const { service, store, lookup } = setup(v2.ts + 301);
      const error = await expectFailure(service.verify(requestFor(v2, v2.header!), lookup), 'INVALID_TIMESTAMP', 'Timestamp lifetime exceeded');
      expect(store.claim).not.toHaveBeenCalled();
      expect(toPayseraError(error)).toEqual({ status: 401, body: { error: 'invalid_timestamp', error_description: 'Timestamp lifetime exceeded' } });
      // 300 s is still inside the window.
      await expect(setup(v2.ts + 300).service.verify(requestFor(v2, v2.header!), lookup)).resolves.toBeDefined();
    });

    it('a future timestamp (beyond 300 s) is refused', async () => {
      const { service, store, lookup } = setup(v2.ts - 301);
      await expectFailure(service.verify(requestFor(v2, v2.header!), lookup), 'INVALID_TIMESTAMP', 'Timestamp is in future');
      expect(store.claim).not.toHaveBeenCalled();
    });

    it('a missing ext with a body is refused even when the MAC matches the ext-less string', async () => {
      const { service, store, lookup } = setup(v5.ts);
      // An attacker strips ext and recomputes nothing: the MAC was over ext="", body present.
      const mac = computeMac(credentials.macKey, buildNormalizedString(v5.ts, v5.nonce, macRequestFromUrl('POST', v5.url), ''));
      const header = `MAC id="${credentials.macId}", ts="${v5.ts}", nonce="${v5.nonce}", mac="${mac}"`;
      await expectFailure(service.verify(requestFor(v5, header), lookup), 'INVALID_SIGNATURE', PAYSERA_MAC_MESSAGES.bodyHash);
      expect(store.claim).not.toHaveBeenCalled();
    });

    it('a body_hash in ext without a body is checked too', async () => {
      const { service, store, lookup } = setup(v5.ts);
      const header = service.sign({ method: 'POST', url: v5.url, body: v5.body! }, credentials, { ts: v5.ts, nonce: v5.nonce }).authorization;
      await expectFailure(service.verify(requestFor(v5, header, { body: undefined }), lookup), 'INVALID_SIGNATURE', PAYSERA_MAC_MESSAGES.bodyHash);
      expect(store.claim).not.toHaveBeenCalled();
    });

    it('a MAC with one character changed, or a wrong key, is refused', async () => {
      const { service, store, lookup } = setup(v2.ts);
      const changed = v2.header!.replace('mac="YEIW', 'mac="YEIX');
      await expectFailure(service.verify(requestFor(v2, changed), lookup), 'INVALID_SIGNATURE', PAYSERA_MAC_MESSAGES.badMac);
      const wrongKey = setup(v2.ts, { [credentials.macId]: { macKey: 'another-secret' } });
      await expectFailure(wrongKey.service.verify(requestFor(v2, v2.header!), wrongKey.lookup), 'INVALID_SIGNATURE', PAYSERA_MAC_MESSAGES.badMac);
      expect(store.claim).not.toHaveBeenCalled();
      expect(wrongKey.store.claim).not.toHaveBeenCalled();
    });

    it('a missing or malformed header is refused without a credential lookup', async () => {
      const { service, store, lookup } = setup(v2.ts);
      const error = await expectFailure(service.verify(requestFor(v2, 'Bearer x'), lookup), 'UNAUTHENTICATED', PAYSERA_MAC_MESSAGES.malformed);
      await expectFailure(service.verify(requestFor(v2, undefined as never), lookup), 'UNAUTHENTICATED', PAYSERA_MAC_MESSAGES.malformed);
      expect(lookup).not.toHaveBeenCalled();
      expect(store.claim).not.toHaveBeenCalled();
      expect(toPayseraError(error).body.error).toBe('unauthorized');
    });

    it('an unknown id and an expired access token are refused', async () => {
      const { service, store, lookup } = setup(v2.ts, {});
      await expectFailure(service.verify(requestFor(v2, v2.header!), lookup), 'INVALID_SIGNATURE', PAYSERA_MAC_MESSAGES.unknownId);
      const expired = setup(v2.ts, { [credentials.macId]: { macKey: credentials.macKey, expiresAt: v2.ts } });
      const error = await expectFailure(expired.service.verify(requestFor(v2, v2.header!), expired.lookup), 'CREDENTIAL_EXPIRED', 'Token has expired');
      expect(toPayseraError(error).body).toEqual({ error: 'invalid_grant', error_description: 'Token has expired' });
      expect(store.claim).not.toHaveBeenCalled();
      expect(expired.store.claim).not.toHaveBeenCalled();
    });
  });
});
