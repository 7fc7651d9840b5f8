import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppError } from '../common/errors/app-error.js';
import { decryptCompact, JoseRejection, signCompact, verifyCompact, type JwePolicy, type JwsPolicy } from './jose-layers.js';
import { contentDecrypt, contentEncrypt, JweDecryptionFailed } from './jwe-rsa.js';
import { loadRsaKey } from './key-loader.js';
import { checkTimeClaims, createPacoOpenContext, PacoJoseService } from './paco-jose.service.js';

/*
 * RFC 7520 (and one supplementary jose cookbook) vectors run through the production JOSE layers.
 * The fixture is a copy of /work/shared/vectors/rfc7520-vectors.json.
 */
const vectors = JSON.parse(readFileSync(new URL('../../test/fixtures/rfc7520-vectors.json', import.meta.url), 'utf8'));

const v41 = vectors.rfc7520_4_1_rs256;
const v42 = vectors.rfc7520_4_2_ps384;
const v51 = vectors.rfc7520_5_1_rsa1_5_a128cbc_hs256;
const v52 = vectors.rfc7520_5_2_rsa_oaep_a256gcm;
const v6 = vectors.rfc7520_6_nested_ps256_in_rsa_oaep_a128gcm;
const supplementary = vectors.supplementary_non_rfc_rsa_oaep_256_a128cbc_hs256;
const bilbo: JsonWebKey = vectors.rfc7520_3_4_rsa_private_key.jwk;

const publicPart = ({ kty, n, e, use }: JsonWebKey): JsonWebKey => ({ kty, n, e, use });
const utf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const b64u = (text: string) => Buffer.from(text, 'base64url');

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JoseRejection);
  return (error as JoseRejection).reason;
}

const jwsPolicy = (alg: JwsPolicy['algorithms'][number], typ: string | null = null): JwsPolicy => ({
  algorithms: [alg],
  typ,
  acceptCritExp: false,
});

describe('RFC 7520 vectors through the JOSE layers', () => {
  it('4.1 RS256: re-signing reproduces the published JWS byte for byte, and it verifies', async () => {
    const key = loadRsaKey(bilbo, 'sign');
    const compact = await signCompact(new TextEncoder().encode(v41.payload_utf8), key, { alg: 'RS256', kid: v41.protected.kid });
    expect(compact).toBe(v41.compact);
    const verified = await verifyCompact(v41.compact, loadRsaKey(publicPart(bilbo), 'verify'), jwsPolicy('RS256'));
    expect(utf8(verified.payload)).toBe(v41.payload_utf8);
  });

  it('4.2 PS384: the published (randomized) signature verifies; one flipped bit does not', async () => {
    const key = loadRsaKey(publicPart(bilbo), 'verify');
    const verified = await verifyCompact(v42.compact, key, jwsPolicy('PS384'));
    expect(utf8(verified.payload)).toBe(v42.payload_utf8);
    expect(verified.header).toEqual(v42.protected);
    const [h, p, s] = v42.compact.split('.');
    const sig = b64u(s);
    sig[10] ^= 0x01;
    expect(await rejection(verifyCompact(`${h}.${p}.${sig.toString('base64url')}`, key, jwsPolicy('PS384')))).toMatch(
      /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/,
    );
    // Pinned to PS256, the PS384 vector is refused before any key is used.
    expect(await rejection(verifyCompact(v42.compact, key, jwsPolicy('PS256')))).toBe('JWS alg not allowed');
  });

  it('5.1 A128CBC-HS256 content layer: CEK + IV reproduce the published ciphertext and tag, and it decrypts', () => {
    const cek = b64u(v51.cek_b64u);
    const iv = b64u(v51.iv_b64u);
    const { ciphertext, tag } = contentEncrypt('A128CBC-HS256', cek, iv, new TextEncoder().encode(v51.plaintext_utf8), v51.protected_b64u);
    expect(ciphertext.toString('base64url')).toBe(v51.ciphertext_b64u);
    expect(tag.toString('base64url')).toBe(v51.tag_b64u);
    const parts = { protectedB64: v51.protected_b64u, iv, ciphertext: b64u(v51.ciphertext_b64u), tag: b64u(v51.tag_b64u) };
    expect(contentDecrypt('A128CBC-HS256', cek, parts).toString('utf8')).toBe(v51.plaintext_utf8);
    // Flipped tag bit, truncated tag, altered AAD, bad padding (last block changed): one error type.
    const badTag = Buffer.from(parts.tag);
    badTag[15] ^= 1;
    const lastBlock = Buffer.from(parts.ciphertext);
    lastBlock[lastBlock.length - 1] ^= 1;
    for (const bad of [
      { ...parts, tag: badTag },
      { ...parts, tag: parts.tag.subarray(0, 15) },
      { ...parts, protectedB64: `${parts.protectedB64}A` },
      { ...parts, ciphertext: lastBlock },
    ]) {
      expect(() => contentDecrypt('A128CBC-HS256', cek, bad)).toThrow(JweDecryptionFailed);
    }
  });

  it('RFC 7518 B.1 AES_128_CBC_HMAC_SHA_256: tag and ciphertext tail reproduce', () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const plaintext = 'A cipher system must not be required to be secret, and it must be able to fall into the hands of the enemy without inconvenience';
    const { ciphertext, tag } = contentEncrypt(
      'A128CBC-HS256',
      key,
      Buffer.from('1af38c2dc2b96ffdd86694092341bc04', 'hex'),
      new TextEncoder().encode(plaintext),
      'The second principle of Auguste Kerckhoffs',
    );
    expect(tag.toString('hex')).toBe('652c3fa36b0a7c5b3219fab3a30bc1c4');
    expect(ciphertext.toString('hex').endsWith('4b8851ffb598f7f80074b9473c82e2db')).toBe(true);
  });

  it('5.2 and 6 GCM content layers: CEK + IV reproduce the published ciphertext and tag', () => {
    const v52Out = contentEncrypt('A256GCM', b64u(v52.cek_b64u), b64u(v52.iv_b64u), new TextEncoder().encode(v52.plaintext_utf8), v52.protected_b64u);
    expect(v52Out.ciphertext.toString('base64url')).toBe(v52.ciphertext_b64u);
    expect(v52Out.tag.toString('base64url')).toBe(v52.tag_b64u);
    const [h6, , , c6, t6] = v6.outer_compact.split('.');
    const v6Out = contentEncrypt('A128GCM', b64u(v6.cek_b64u), b64u(v6.iv_b64u), new TextEncoder().encode(v6.inner_jws_compact), h6);
    expect(v6Out.ciphertext.toString('base64url')).toBe(c6);
    expect(v6Out.tag.toString('base64url')).toBe(t6);
  });

  it('5.1 RSA1_5: the vector is refused by the JWE layer, whatever the enc allowlist', async () => {
    const frodo = loadRsaKey(v51.key, 'decrypt');
    const policy: JwePolicy = { keyManagementAlgorithms: ['RSA-OAEP', 'RSA-OAEP-256'], contentEncryptionAlgorithms: ['A128CBC-HS256'] };
    expect(await rejection(decryptCompact(v51.compact, frodo, policy))).toBe('JWE alg not allowed');
  });

  it('5.2 RSA-OAEP + A256GCM: decrypts to the published plaintext; refused when RSA-OAEP-256 is pinned', async () => {
    const samwise = loadRsaKey(v52.key, 'decrypt');
    const { plaintext, header } = await decryptCompact(v52.compact, samwise, {
      keyManagementAlgorithms: ['RSA-OAEP'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    expect(utf8(plaintext)).toBe(v52.plaintext_utf8);
    expect(header).toEqual(v52.protected);
    expect(
      await rejection(decryptCompact(v52.compact, samwise, { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A256GCM'] })),
    ).toBe('JWE alg not allowed');
    // Same bytes offered to the strict PACO pair (A128CBC-HS256 only): refused on enc.
    expect(
      await rejection(decryptCompact(v52.compact, samwise, { keyManagementAlgorithms: ['RSA-OAEP'], contentEncryptionAlgorithms: ['A128CBC-HS256'] })),
    ).toBe('JWE enc not allowed');
  });

  it('6 nested PS256 in RSA-OAEP/A128GCM: both layers verify, and exp (2011) is enforced unless the clock is pinned', async () => {
    const samwise = loadRsaKey(v52.key, 'decrypt');
    const hobbiton = loadRsaKey(publicPart(v6.sign_key), 'verify');
    const outer = await decryptCompact(v6.outer_compact, samwise, {
      keyManagementAlgorithms: ['RSA-OAEP'],
      contentEncryptionAlgorithms: ['A128GCM'],
    });
    expect(outer.header).toEqual(v6.outer_protected);
    expect(utf8(outer.plaintext)).toBe(v6.inner_jws_compact);
    const inner = await verifyCompact(utf8(outer.plaintext), hobbiton, jwsPolicy('PS256', 'JWT'));
    const claims = JSON.parse(utf8(inner.payload));
    expect(claims).toEqual(JSON.parse(v6.jwt_claims));

    const now = Math.floor(Date.now() / 1000);
    expect(() => checkTimeClaims(claims, now, 60)).toThrow('expired (exp)');
    expect(() => checkTimeClaims(claims, claims.exp - 3600, 60)).not.toThrow();
    // 59 s after exp is inside the 60 s tolerance, 60 s is not.
    expect(() => checkTimeClaims(claims, claims.exp + 59, 60)).not.toThrow();
    expect(() => checkTimeClaims(claims, claims.exp + 60, 60)).toThrow('expired (exp)');
  });

  it('6 through PacoJoseService.open: refused with the generic error (A128GCM, cty, no aud are not PACO)', async () => {
    const context = createPacoOpenContext({
      direction: 'response',
      decryptionKey: loadRsaKey(v52.key, 'decrypt'),
      verificationKey: loadRsaKey(publicPart(v6.sign_key), 'verify'),
      audience: 'merchant-token',
    });
    const debug: string[] = [];
    const service = new PacoJoseService({ logger: { debug: (m) => debug.push(m), warn: () => undefined } });
    await expect(service.open(v6.outer_compact, context, { now: 1300819000 })).rejects.toEqual(new AppError('INVALID_SIGNATURE'));
    expect(debug).toEqual(['PACO message rejected: JWE enc not allowed']);
  });

  it('supplementary RSA-OAEP-256 + A128CBC-HS256: decrypts when allowed; refused where RSA-OAEP is pinned', async () => {
    const key = loadRsaKey(supplementary.key, 'decrypt');
    const { plaintext } = await decryptCompact(supplementary.compact, key, {
      keyManagementAlgorithms: ['RSA-OAEP-256'],
      contentEncryptionAlgorithms: ['A128CBC-HS256'],
    });
    expect(utf8(plaintext)).toBe(supplementary.plaintext_utf8);
    expect(
      await rejection(decryptCompact(supplementary.compact, key, { keyManagementAlgorithms: ['RSA-OAEP'], contentEncryptionAlgorithms: ['A128CBC-HS256'] })),
    ).toBe('JWE alg not allowed');
  });

  it('supplementary vector with a flipped tag bit, a truncated tag or a bad IV gives one error', async () => {
    const key = loadRsaKey(supplementary.key, 'decrypt');
    const policy: JwePolicy = { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A128CBC-HS256'] };
    const parts = supplementary.compact.split('.');
    const tag = b64u(parts[4]);
    tag[0] ^= 0x80;
    const flipped = [...parts.slice(0, 4), tag.toString('base64url')].join('.');
    const truncated = [...parts.slice(0, 4), b64u(parts[4]).subarray(0, 15).toString('base64url')].join('.');
    const shortIv = [parts[0], parts[1], b64u(parts[2]).subarray(0, 12).toString('base64url'), parts[3], parts[4]].join('.');
    const reasons = await Promise.all([flipped, truncated, shortIv].map((t) => rejection(decryptCompact(t, key, policy))));
    // One reason for all three, even in the debug log.
    expect(reasons).toEqual(['JWE: decryption failed', 'JWE: decryption failed', 'JWE: decryption failed']);
    const service = new PacoJoseService();
    const context = createPacoOpenContext({
      direction: 'request',
      decryptionKey: key,
      verificationKey: loadRsaKey(publicPart(bilbo), 'verify'),
      issuer: 'merchant-token',
      allow: { keyManagement: ['RSA-OAEP-256'] },
    });
    const errors = await Promise.all([flipped, truncated, shortIv].map((t) => service.open(t, context).catch((e: unknown) => e)));
    for (const error of errors) expect(error).toEqual(new AppError('INVALID_SIGNATURE'));
  });
});
