import { jest } from '@jest/globals';
import { constants, createHmac, generateKeyPair, randomUUID, sign as rsaSign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { CompactEncrypt, CompactSign } from 'jose';
import { AppError } from '../common/errors/app-error.js';
import { loadRsaKey, toPem, type RsaKey } from './key-loader.js';
import {
  buildPacoClaims,
  createPacoOpenContext,
  createPacoSealContext,
  PACO_AUDIENCE,
  PacoJoseService,
  type PacoClaims,
  type PacoOpenContext,
  type PacoSealContext,
} from './paco-jose.service.js';
import { InMemoryReplayStore, type ReplayStore } from './replay.store.js';

const generate = promisify(generateKeyPair);
const NOW = 1_767_225_600; // fixed clock: 2026-01-01T00:00:00Z
const TOKEN = '65805a16c0b64f0e9d6b3f1f2ad7cbe4'; // merchant access token (not a secret of this test)
const KID = '0123456789abcdef0123456789abcdef';

interface Pair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const b64u = (value: string | Uint8Array) => Buffer.from(value).toString('base64url');
const json = (value: unknown) => b64u(JSON.stringify(value));

/** A spy ReplayStore: records calls, so tests can assert nothing downstream ran. */
class SpyStore implements ReplayStore {
  readonly inner = new InMemoryReplayStore({ clock: () => NOW });
  readonly claim = jest.fn((key: string, expiresAt: number) => this.inner.claim(key, expiresAt));
}

describe('PacoJoseService', () => {
  let merchantSig: Pair;
  let merchantEnc: Pair;
  let pacoSig: Pair;
  let pacoEnc: Pair;
  // Merchant side
  let merchantSeal: PacoSealContext;
  let merchantOpen: PacoOpenContext;
  // Emulator (PACO) side
  let emulatorSeal: PacoSealContext;
  let emulatorOpen: (store?: ReplayStore, extra?: Partial<Parameters<typeof createPacoOpenContext>[0]>) => PacoOpenContext;
  let debug: string[];
  let service: PacoJoseService;

  beforeAll(async () => {
    [merchantSig, merchantEnc, pacoSig, pacoEnc] = await Promise.all(
      [0, 1, 2, 3].map(() => generate('rsa', { modulusLength: 4096 })),
    );
    merchantSeal = createPacoSealContext({
      signingKey: loadRsaKey(toPem(merchantSig.privateKey), 'sign'),
      encryptionKey: loadRsaKey(toPem(pacoEnc.publicKey), 'encrypt'),
      kid: KID,
    });
    merchantOpen = createPacoOpenContext({
      direction: 'response',
      decryptionKey: loadRsaKey(toPem(merchantEnc.privateKey), 'decrypt'),
      verificationKey: loadRsaKey(toPem(pacoSig.publicKey), 'verify'),
      audience: TOKEN,
    });
    emulatorSeal = createPacoSealContext({
      signingKey: loadRsaKey(toPem(pacoSig.privateKey), 'sign'),
      encryptionKey: loadRsaKey(toPem(merchantEnc.publicKey), 'encrypt'),
      kid: KID,
    });
    const pacoDecrypt = loadRsaKey(toPem(pacoEnc.privateKey), 'decrypt');
    const merchantVerify = loadRsaKey(toPem(merchantSig.publicKey), 'verify');
    emulatorOpen = (store = new SpyStore(), extra = {}) =>
      createPacoOpenContext({
        direction: 'request',
        decryptionKey: pacoDecrypt,
        verificationKey: merchantVerify,
        issuer: TOKEN,
        replay: { store, namespace: `paco:req:${TOKEN}` },
        ...extra,
      });
  });

  beforeEach(() => {
    debug = [];
    service = new PacoJoseService({ clock: () => NOW, logger: { debug: (m) => debug.push(m), warn: () => undefined } });
  });

  const request = () => ({
    apiRequest: { requestMessageID: randomUUID(), requestDateTime: '2026-01-01T00:00:00.000Z', language: 'en-US' },
    officeId: 'DEMOOFFICE',
    orderNo: `ORD-${randomUUID().slice(0, 8)}`,
    transactionAmount: { amountText: '000000001050', currencyCode: 'THB', decimalPlaces: 2, amount: 10.5 },
  });

  const segmentsOf = (token: string) => token.split('.').map((s) => Buffer.from(s, 'base64url'));
  const headerOf = (token: string) => JSON.parse(segmentsOf(token)[0].toString('utf8'));

  /** Signs exactly the header and claims given (no library checks), PSS/SHA-256/salt 32 like PS256. */
  function rawJws(header: Record<string, unknown>, claims: unknown, key: KeyObject = merchantSig.privateKey): string {
    const input = `${json(header)}.${json(claims)}`;
    const signature = rsaSign('sha256', Buffer.from(input), {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
    return `${input}.${b64u(signature)}`;
  }

  /** Encrypts any plaintext to PACO's key with the JWE header given. */
  function encryptTo(plaintext: string, header: Record<string, unknown> = {}, key: KeyObject = pacoEnc.publicKey, crit?: Record<string, boolean>) {
    return new CompactEncrypt(new TextEncoder().encode(plaintext))
      .setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A128CBC-HS256', kid: KID, typ: 'JWT', ...header } as never)
      .encrypt(key, crit ? { crit } : undefined);
  }

  const requestClaims = (overrides: PacoClaims = {}): PacoClaims => ({
    ...buildPacoClaims({
      bodyClaim: 'request',
      body: request(),
      issuer: TOKEN,
      audience: PACO_AUDIENCE,
      now: NOW,
      ttlSeconds: 300,
      companyApiKeyClaim: 'CompanyApiKey',
    }),
    ...overrides,
  });

  /** Asserts the one generic error, that the replay store was not consulted, and the logged reason. */
  async function expectRejected(token: string | Promise<string>, reason: RegExp | string, store = new SpyStore(), context?: PacoOpenContext) {
    const error = await service.open(await token, context ?? emulatorOpen(store)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'INVALID_SIGNATURE', message: 'The message could not be decrypted or verified', detail: undefined });
    expect((error as AppError).cause).toBeUndefined();
    expect(store.claim).not.toHaveBeenCalled();
    expect(debug).toHaveLength(1);
    expect(debug[0]).toMatch(typeof reason === 'string' ? new RegExp(`^PACO message rejected: ${escape(reason)}`) : reason);
  }
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  describe('seal + open round trips (fresh RSA-4096 keys)', () => {
    it('merchant request -> emulator: exact headers, claims in PACO order, exp = iat + 300', async () => {
      const body = request();
      const token = await service.sealRequest(body, merchantSeal, { token: TOKEN });
      const segments = segmentsOf(token);
      expect(segments).toHaveLength(5);
      expect(headerOf(token)).toEqual({ alg: 'RSA-OAEP', enc: 'A128CBC-HS256', kid: KID, typ: 'JWT' });
      expect(segments[1]).toHaveLength(512); // RSA-4096 wrapped CEK
      expect(segments[2]).toHaveLength(16); // CBC IV
      expect(segments[4]).toHaveLength(16); // HS256 tag, truncated

      const store = new SpyStore();
      const opened = await service.open(token, emulatorOpen(store));
      expect(opened.jweHeader).toEqual({ alg: 'RSA-OAEP', enc: 'A128CBC-HS256', kid: KID, typ: 'JWT' });
      expect(opened.jwsHeader).toEqual({ alg: 'PS256', typ: 'JWT' });
      expect(Object.keys(opened.claims)).toEqual(['request', 'iss', 'aud', 'CompanyApiKey', 'iat', 'nbf', 'exp']);
      expect(opened.claims).toEqual({ request: body, iss: TOKEN, aud: 'PacoAudience', CompanyApiKey: TOKEN, iat: NOW, nbf: NOW, exp: NOW + 300 });
      expect(opened.body).toEqual(body);
      expect(store.claim).toHaveBeenCalledWith(`paco:req:${TOKEN}:msg:${body.apiRequest.requestMessageID}`, NOW + 300 + 60 + 1);
    });

    it('emulator response -> merchant: iss PacoIssuer, aud = merchant token, exp = iat + 3600', async () => {
      const response = { Data: {}, Version: '1.0', ApiResponse: { ResponseMessageId: randomUUID(), ResponseCode: 'PC-B050000' } };
      const token = await service.sealResponse(response, emulatorSeal, { audience: TOKEN });
      const opened = await service.open(token, merchantOpen);
      expect(opened.claims).toEqual({ response, iss: 'PacoIssuer', aud: TOKEN, iat: NOW, nbf: NOW, exp: NOW + 3600 });
      expect(opened.body).toEqual(response);
    });

    it('names and lifetimes are configurable', async () => {
      const token = await service.sealRequest(request(), merchantSeal, { token: TOKEN, ttlSeconds: 120, companyApiKeyClaim: null, jti: 'j-1' });
      const opened = await service.open(token, emulatorOpen());
      expect(opened.claims).not.toHaveProperty('CompanyApiKey');
      expect(opened.claims).toMatchObject({ jti: 'j-1', exp: NOW + 120 });
    });

    it('never reuses a CEK or IV: sealing the same claims twice differs in every segment', async () => {
      const claims = requestClaims();
      const [a, b] = await Promise.all([service.seal(claims, merchantSeal), service.seal(claims, merchantSeal)]);
      const [sa, sb] = [a.split('.'), b.split('.')];
      expect(sa[0]).toBe(sb[0]);
      for (const i of [1, 2, 3, 4]) expect(sa[i]).not.toBe(sb[i]);
    });

    it('optional crit: ["exp"] puts exp in the JWS header; the emulator accepts it, a strict context refuses it', async () => {
      const critSeal = createPacoSealContext({ ...merchantSeal, critExp: true });
      const token = await service.sealRequest(request(), critSeal, { token: TOKEN });
      const opened = await service.open(token, emulatorOpen());
      expect(opened.jwsHeader).toEqual({ alg: 'PS256', typ: 'JWT', crit: ['exp'], exp: NOW + 300 });
      debug = [];
      await expectRejected(service.sealRequest(request(), critSeal, { token: TOKEN }), 'JWS crit is not accepted', undefined, emulatorOpen(undefined, { acceptCritExp: false }));
    });

    it('accepts a token wrapped in quotes and surrounding whitespace (as some responses arrive)', async () => {
      const token = await service.sealRequest(request(), merchantSeal, { token: TOKEN });
      await expect(service.open(` "${token}"\n`, emulatorOpen())).resolves.toMatchObject({ claims: { iss: TOKEN } });
    });

    it('clock skew: 59 s past exp or 60 s before nbf passes; one second more does not', async () => {
      const token = await service.sealRequest(request(), merchantSeal, { token: TOKEN });
      await expect(service.open(token, emulatorOpen(), { now: NOW + 300 + 59 })).resolves.toBeDefined();
      await expect(service.open(token, emulatorOpen(), { now: NOW - 60 })).resolves.toBeDefined();
      await expect(service.open(token, emulatorOpen(), { now: NOW + 300 + 60 })).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
      await expect(service.open(token, emulatorOpen(), { now: NOW - 61 })).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
      expect(debug).toEqual(['PACO message rejected: expired (exp)', 'PACO message rejected: not yet valid (nbf)']);
    });
  });

  describe('algorithm confusion and header attacks', () => {
    it('alg "none" with an empty signature is refused', async () => {
      const jws = `${json({ alg: 'none', typ: 'JWT' })}.${json(requestClaims())}.`;
      await expectRejected(encryptTo(jws), 'JWS has an empty or non-base64url segment');
    });

    it('alg "noNE" (case trick) with a junk signature is refused by the allowlist', async () => {
      const jws = `${json({ alg: 'noNE', typ: 'JWT' })}.${json(requestClaims())}.${b64u('junk')}`;
      await expectRejected(encryptTo(jws), 'JWS alg not allowed');
    });

    it('HS256 signed with the RSA public key bytes as the HMAC secret is refused', async () => {
      const input = `${json({ alg: 'HS256', typ: 'JWT' })}.${json(requestClaims())}`;
      const mac = createHmac('sha256', toPem(merchantSig.publicKey)).update(input).digest();
      await expectRejected(encryptTo(`${input}.${b64u(mac)}`), 'JWS alg not allowed');
    });

    it('RSA1_5, dir and ECDH-ES on the JWE are refused before any decryption', async () => {
      for (const alg of ['RSA1_5', 'dir', 'ECDH-ES', 'ECDH-ES+A128KW']) {
        debug = [];
        const forged = [json({ alg, enc: 'A128CBC-HS256' }), b64u('k'), b64u('0123456789abcdef'), b64u('c'), b64u('0123456789abcdef')].join('.');
        await expectRejected(forged, 'JWE alg not allowed');
      }
    });

    it('RSA-OAEP-256 where RSA-OAEP is pinned is refused', async () => {
      const jws = rawJws({ alg: 'PS256', typ: 'JWT' }, requestClaims());
      await expectRejected(encryptTo(jws, { alg: 'RSA-OAEP-256' }), 'JWE alg not allowed');
    });

    it('an enc outside the response allowlist (A256GCM) is refused on the merchant side', async () => {
      const token = await service.seal(
        { response: {}, iss: 'PacoIssuer', aud: TOKEN, iat: NOW, nbf: NOW, exp: NOW + 60 },
        createPacoSealContext({ ...emulatorSeal, contentEncryptionAlgorithm: 'A256GCM' }),
      );
      await expectRejected(token, 'JWE enc not allowed', undefined, merchantOpen);
    });

    it('a JWS signed with another key (PS256, correct format) is refused', async () => {
      await expectRejected(encryptTo(rawJws({ alg: 'PS256', typ: 'JWT' }, requestClaims(), pacoSig.privateKey)), /JWS: ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
    });

    it('an unknown crit on the JWS is refused', async () => {
      const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(requestClaims())))
        .setProtectedHeader({ alg: 'PS256', typ: 'JWT', crit: ['nope'], nope: 1 } as never)
        .sign(merchantSig.privateKey, { crit: { nope: true } });
      await expectRejected(encryptTo(jws), 'JWS crit lists an unknown parameter');
    });

    it('crit ["exp"] without the exp header parameter, or with one that disagrees with the claim, is refused', async () => {
      await expectRejected(encryptTo(rawJws({ alg: 'PS256', typ: 'JWT', crit: ['exp'] }, requestClaims())), 'JWS crit exp header is missing');
      debug = [];
      await expectRejected(
        encryptTo(rawJws({ alg: 'PS256', typ: 'JWT', crit: ['exp'], exp: NOW + 9999 }, requestClaims())),
        'exp header differs from exp claim',
      );
      debug = [];
      await expectRejected(encryptTo(rawJws({ alg: 'PS256', typ: 'JWT', crit: [] }, requestClaims())), 'JWS crit lists an unknown parameter');
    });

    it('crit in the wrong place (the JWE header) is refused', async () => {
      const jws = rawJws({ alg: 'PS256', typ: 'JWT' }, requestClaims());
      await expectRejected(encryptTo(jws, { crit: ['exp'], exp: NOW + 300 }, undefined, { exp: true }), 'JWE crit is not accepted');
    });

    it('zip is refused', async () => {
      const forged = [json({ alg: 'RSA-OAEP', enc: 'A128CBC-HS256', zip: 'DEF' }), b64u('k'), b64u('0123456789abcdef'), b64u('c'), b64u('0123456789abcdef')].join('.');
      await expectRejected(forged, 'JWE zip is not accepted');
    });

    it('jku / x5u / jwk / x5c headers are refused and nothing is fetched', async () => {
      const fetchSpy = jest.spyOn(globalThis, 'fetch');
      try {
        for (const header of [{ jku: 'https://attacker.example/jwks' }, { x5u: 'https://attacker.example/cert' }, { jwk: { kty: 'RSA' } }, { x5c: ['MII'] }]) {
          debug = [];
          const name = Object.keys(header)[0];
          await expectRejected(encryptTo(rawJws({ alg: 'PS256', typ: 'JWT', ...header }, requestClaims())), `JWS header carries "${name}"`);
          debug = [];
          await expectRejected(encryptTo(rawJws({ alg: 'PS256', typ: 'JWT' }, requestClaims()), header), `JWE header carries "${name}"`);
        }
        expect(fetchSpy).not.toHaveBeenCalled();
      } finally {
        fetchSpy.mockRestore();
      }
    });

    it('kid is an opaque string: injection-looking kids do not match the pinned kid', async () => {
      for (const kid of ["' OR 1=1 --", '../../etc/passwd']) {
        debug = [];
        await expectRejected(encryptTo(rawJws({ alg: 'PS256', typ: 'JWT' }, requestClaims()), { kid }), 'JWE kid does not match', undefined, emulatorOpen(undefined, { expectedKid: KID }));
      }
    });

    it('the JSON serialization and other non-compact forms are refused', async () => {
      const token = await service.sealRequest(request(), merchantSeal, { token: TOKEN });
      const [protectedHeader, encrypted_key, iv, ciphertext, tag] = token.split('.');
      await expectRejected(JSON.stringify({ protected: protectedHeader, encrypted_key, iv, ciphertext, tag }), 'JWE is not in compact serialization');
      debug = [];
      await expectRejected(`${token}.`, 'JWE is not in compact serialization');
      debug = [];
      await expectRejected(token.replace('.', '.+'), 'JWE has an empty or non-base64url segment');
    });

    it('a JWE whose plaintext is not a JWS, or a JWS whose payload is not a JSON object, is refused', async () => {
      await expectRejected(encryptTo('{"request":{}}'), 'JWS is not in compact serialization');
      debug = [];
      await expectRejected(encryptTo(rawJws({ alg: 'PS256', typ: 'JWT' }, ['an', 'array'])), 'JWS payload is not a JSON object');
      debug = [];
      await expectRejected(encryptTo(rawJws({ alg: 'PS256' }, requestClaims())), 'JWS typ is not accepted');
    });
  });

  describe('claims', () => {
    const sealed = (claims: PacoClaims) => encryptTo(rawJws({ alg: 'PS256', typ: 'JWT' }, claims));

    it('expired (exp more than 60 s ago) is refused', async () => {
      await expectRejected(sealed(requestClaims({ iat: NOW - 400, nbf: NOW - 400, exp: NOW - 60 })), 'expired (exp)');
    });

    it('not yet valid (nbf more than 60 s ahead) is refused, as is an iat in the future', async () => {
      await expectRejected(sealed(requestClaims({ nbf: NOW + 61 })), 'not yet valid (nbf)');
      debug = [];
      await expectRejected(sealed(requestClaims({ iat: NOW + 61 })), 'issued in the future (iat)');
    });

    it('wrong aud and wrong iss are refused', async () => {
      await expectRejected(sealed(requestClaims({ aud: 'SomeoneElse' })), 'unexpected aud');
      debug = [];
      await expectRejected(sealed(requestClaims({ iss: 'another-merchant-token' })), 'unexpected iss');
      debug = [];
      await expectRejected(sealed(requestClaims({ CompanyApiKey: 'another-merchant-token' })), 'CompanyApiKey does not match the issuer');
    });

    it('on the merchant side, a response for another merchant (aud) or not from PacoIssuer is refused', async () => {
      const other = await service.sealResponse({}, emulatorSeal, { audience: 'another-merchant-token' });
      await expectRejected(other, 'unexpected aud', undefined, merchantOpen);
      debug = [];
      const forgedIssuer = await service.sealResponse({}, emulatorSeal, { audience: TOKEN, issuer: 'NotPaco' });
      await expectRejected(forgedIssuer, 'unexpected iss', undefined, merchantOpen);
    });

    it('missing exp, a non-numeric exp, or a missing request object is refused', async () => {
      const { exp: _exp, ...noExp } = requestClaims();
      await expectRejected(sealed(noExp), 'missing "exp" claim');
      debug = [];
      await expectRejected(sealed(requestClaims({ exp: String(NOW + 300) })), '"exp" is not a NumericDate');
      debug = [];
      await expectRejected(sealed(requestClaims({ request: 'text' })), '"request" claim is not an object');
    });

    it('an optional maximum lifetime refuses long-lived tokens', async () => {
      await expectRejected(sealed(requestClaims({ exp: NOW + 3600 })), 'lifetime too long', undefined, emulatorOpen(undefined, { maxLifetimeSeconds: 300 }));
    });
  });

  describe('tampering: one generic error for every segment', () => {
    it('a flipped bit in any of the five JWE segments or the three inner JWS segments gives the same error', async () => {
      const flip = (token: string, index: number) => {
        const parts = token.split('.');
        const bytes = Buffer.from(parts[index], 'base64url');
        bytes[Math.floor(bytes.length / 2)] ^= 0x04;
        parts[index] = bytes.toString('base64url');
        return parts.join('.');
      };
      const errors: unknown[] = [];
      const store = new SpyStore();
      const context = emulatorOpen(store);
      const token = await service.sealRequest(request(), merchantSeal, { token: TOKEN });
      for (let i = 0; i < 5; i++) errors.push(await service.open(flip(token, i), context).catch((e: unknown) => e));
      const jws = rawJws({ alg: 'PS256', typ: 'JWT' }, requestClaims());
      for (let i = 0; i < 3; i++) errors.push(await service.open(await encryptTo(flip(jws, i)), context).catch((e: unknown) => e));

      expect(errors).toHaveLength(8);
      for (const error of errors) {
        expect(error).toBeInstanceOf(AppError);
        expect(error).toMatchObject({ code: 'INVALID_SIGNATURE', message: 'The message could not be decrypted or verified' });
        expect((error as AppError).cause).toBeUndefined();
      }
      expect(store.claim).not.toHaveBeenCalled();
      expect(debug).toHaveLength(8);
      // The untampered originals still open, so the failures above come from the flipped bits.
      await expect(service.open(token, context)).resolves.toBeDefined();
      await expect(service.open(await encryptTo(jws), context)).resolves.toBeDefined();
    });

    it('the debug log carries reasons only: no token, no claims, no key material', async () => {
      const token = await service.sealRequest(request(), merchantSeal, { token: TOKEN });
      const parts = token.split('.');
      parts[4] = Buffer.alloc(16).toString('base64url');
      await service.open(parts.join('.'), emulatorOpen()).catch(() => undefined);
      await service.open(await encryptTo(rawJws({ alg: 'PS256', typ: 'JWT' }, requestClaims({ aud: 'x' }))), emulatorOpen()).catch(() => undefined);
      expect(debug).toHaveLength(2);
      const secretish = [TOKEN, 'DEMOOFFICE', parts[1].slice(0, 20), toPem(pacoEnc.privateKey).split('\n')[1]];
      for (const line of debug) for (const s of secretish) expect(line).not.toContain(s);
    });
  });

  describe('replay', () => {
    it('the same token twice is refused the second time (same message id)', async () => {
      const store = new SpyStore();
      const context = emulatorOpen(store);
      const token = await service.sealRequest(request(), merchantSeal, { token: TOKEN });
      await service.open(token, context);
      const error = await service.open(token, context).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INVALID_SIGNATURE', message: 'The message could not be decrypted or verified' });
      expect(store.claim).toHaveBeenCalledTimes(2);
      expect(await store.claim.mock.results[1].value).toBe(false);
      expect(debug).toEqual(['PACO message rejected: replayed message id']);
    });

    it('a fresh token reusing a requestMessageID within the window is refused; a new id passes', async () => {
      const store = new SpyStore();
      const context = emulatorOpen(store);
      const body = request();
      await service.open(await service.sealRequest(body, merchantSeal, { token: TOKEN }), context);
      await expect(service.open(await service.sealRequest(body, merchantSeal, { token: TOKEN }), context)).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
      await expect(service.open(await service.sealRequest(request(), merchantSeal, { token: TOKEN }), context)).resolves.toBeDefined();
    });

    it('a jti, when present, is claimed as well', async () => {
      const store = new SpyStore();
      const context = emulatorOpen(store);
      await service.open(await service.sealRequest(request(), merchantSeal, { token: TOKEN, jti: 'same-jti' }), context);
      await expect(service.open(await service.sealRequest(request(), merchantSeal, { token: TOKEN, jti: 'same-jti' }), context)).rejects.toMatchObject({
        code: 'INVALID_SIGNATURE',
      });
      expect(debug).toEqual(['PACO message rejected: replayed message id']);
    });

    it('a message without any id is refused when replay detection is on', async () => {
      const store = new SpyStore();
      const claims = requestClaims({ request: { officeId: 'x' } });
      const error = await service.open(await encryptTo(rawJws({ alg: 'PS256', typ: 'JWT' }, claims)), emulatorOpen(store)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INVALID_SIGNATURE' });
      expect(debug).toEqual(['PACO message rejected: no message id for replay detection']);
      expect(store.claim).not.toHaveBeenCalled();
    });

    it('a failing replay store is an outage, not a bad message', async () => {
      const broken: ReplayStore = { claim: () => Promise.reject(new Error('database down')) };
      const token = await service.sealRequest(request(), merchantSeal, { token: TOKEN });
      await expect(service.open(token, emulatorOpen(broken))).rejects.toThrow('database down');
    });
  });

  describe('contexts', () => {
    let keys: Record<string, RsaKey>;
    beforeAll(() => {
      keys = {
        sign: loadRsaKey(toPem(merchantSig.privateKey), 'sign'),
        decrypt: loadRsaKey(toPem(merchantEnc.privateKey), 'decrypt'),
        verify: loadRsaKey(toPem(pacoSig.publicKey), 'verify'),
        encrypt: loadRsaKey(toPem(pacoEnc.publicKey), 'encrypt'),
      };
    });

    it('refuse keys loaded for another use (a signing key cannot decrypt)', () => {
      expect(() => createPacoOpenContext({ direction: 'response', decryptionKey: keys.sign, verificationKey: keys.verify, audience: TOKEN })).toThrow(
        expect.objectContaining({ code: 'INVALID_KEY' }),
      );
      expect(() => createPacoSealContext({ signingKey: keys.decrypt, encryptionKey: keys.encrypt })).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
      expect(() => createPacoSealContext({ signingKey: keys.sign, encryptionKey: keys.verify })).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
    });

    it('refuse allowlists naming none, HS*, dir, RSA1_5 or ECDH', () => {
      const base = { direction: 'request' as const, decryptionKey: keys.decrypt, verificationKey: keys.verify, issuer: TOKEN };
      expect(() => createPacoOpenContext({ ...base, allow: { signing: ['none' as never] } })).toThrow('JWS algorithm "none" is not permitted');
      expect(() => createPacoOpenContext({ ...base, allow: { signing: ['HS256' as never] } })).toThrow('not permitted');
      expect(() => createPacoOpenContext({ ...base, allow: { keyManagement: ['RSA1_5' as never] } })).toThrow('not permitted');
      expect(() => createPacoOpenContext({ ...base, allow: { keyManagement: ['dir' as never] } })).toThrow('not permitted');
      expect(() => createPacoOpenContext({ ...base, allow: { keyManagement: ['ECDH-ES' as never] } })).toThrow('not permitted');
      expect(() => createPacoOpenContext({ ...base, allow: { signing: [] } })).toThrow('allowlist is empty');
      expect(() => createPacoSealContext({ signingKey: keys.sign, encryptionKey: keys.encrypt, signingAlgorithm: 'HS256' as never })).toThrow('not permitted');
    });

    it('require the expected issuer for requests and the audience for responses', () => {
      expect(() => createPacoOpenContext({ direction: 'request', decryptionKey: keys.decrypt, verificationKey: keys.verify })).toThrow('expected issuer');
      expect(() => createPacoOpenContext({ direction: 'response', decryptionKey: keys.decrypt, verificationKey: keys.verify })).toThrow('expected audience');
    });

    it('use the strict PACO allowlists for responses and the wider ones for the emulator', () => {
      const response = createPacoOpenContext({ direction: 'response', decryptionKey: keys.decrypt, verificationKey: keys.verify, audience: TOKEN });
      expect(response.jws.algorithms).toEqual(['PS256']);
      expect(response.jwe.keyManagementAlgorithms).toEqual(['RSA-OAEP']);
      expect(response.jwe.contentEncryptionAlgorithms).toEqual(['A128CBC-HS256']);
      const requestSide = createPacoOpenContext({ direction: 'request', decryptionKey: keys.decrypt, verificationKey: keys.verify, issuer: TOKEN });
      expect(requestSide.jwe.keyManagementAlgorithms).toEqual(['RSA-OAEP']);
      expect(requestSide.jws.algorithms).toContain('RS512');
      expect(requestSide.audience).toBe('PacoAudience');
    });
  });
});
