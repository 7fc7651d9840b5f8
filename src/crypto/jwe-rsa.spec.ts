import { constants, generateKeyPair, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { decryptCompact, encryptCompact, JoseRejection, JWE_CONTENT_ALGORITHMS, type JweKeyAlgorithm } from './jose-layers.js';
import { loadRsaKey, toPem, type RsaKey } from './key-loader.js';

/* The node:crypto JWE layer against jose 6 as an independent implementation, in both directions. */

const generate = promisify(generateKeyPair);

describe('JWE layer (node:crypto) interoperates with jose', () => {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  let other: { privateKey: KeyObject; publicKey: KeyObject };
  let decryptKey: RsaKey;
  let encryptKey: RsaKey;

  beforeAll(async () => {
    [pair, other] = await Promise.all([generate('rsa', { modulusLength: 2048 }), generate('rsa', { modulusLength: 2048 })]);
    decryptKey = loadRsaKey(toPem(pair.privateKey), 'decrypt');
    encryptKey = loadRsaKey(toPem(pair.publicKey), 'encrypt');
  });

  const cases = (['RSA-OAEP', 'RSA-OAEP-256'] as JweKeyAlgorithm[]).flatMap((alg) => JWE_CONTENT_ALGORITHMS.map((enc) => [alg, enc] as const));
  const plaintext = new TextEncoder().encode(`eyJhbGciOiJQUzI1NiJ9.${'x'.repeat(1000)}.sig – ünïcode`);

  it.each(cases)('%s + %s: jose encrypts, we decrypt; we encrypt, jose decrypts', async (alg, enc) => {
    const fromJose = await new CompactEncrypt(plaintext).setProtectedHeader({ alg, enc, kid: 'k', typ: 'JWT' }).encrypt(pair.publicKey);
    const ours = await decryptCompact(fromJose, decryptKey, { keyManagementAlgorithms: [alg], contentEncryptionAlgorithms: [enc] });
    expect(Buffer.from(ours.plaintext).equals(Buffer.from(plaintext))).toBe(true);
    expect(ours.header).toEqual({ alg, enc, kid: 'k', typ: 'JWT' });

    const fromUs = await encryptCompact(plaintext, encryptKey, { alg, enc, kid: 'k', typ: 'JWT' });
    const joseResult = await compactDecrypt(fromUs, pair.privateKey, { keyManagementAlgorithms: [alg], contentEncryptionAlgorithms: [enc] });
    expect(Buffer.from(joseResult.plaintext).equals(Buffer.from(plaintext))).toBe(true);
    expect(joseResult.protectedHeader).toEqual({ alg, enc, kid: 'k', typ: 'JWT' });
  });

  it('a CEK wrapped for another key, or a CEK of the wrong length, fails exactly like a bad tag', async () => {
    const policy = { keyManagementAlgorithms: ['RSA-OAEP'] as JweKeyAlgorithm[], contentEncryptionAlgorithms: ['A128CBC-HS256' as const] };
    const good = await encryptCompact(plaintext, encryptKey, { alg: 'RSA-OAEP', enc: 'A128CBC-HS256' });
    const parts = good.split('.');
    const wrongKey = publicEncrypt({ key: other.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, randomBytes(32));
    const shortCek = publicEncrypt({ key: pair.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, randomBytes(16));
    const badTag = Buffer.from(parts[4], 'base64url');
    badTag[3] ^= 0x10;
    const variants = [
      [parts[0], wrongKey.toString('base64url'), ...parts.slice(2)],
      [parts[0], shortCek.toString('base64url'), ...parts.slice(2)],
      [...parts.slice(0, 4), badTag.toString('base64url')],
    ].map((p) => p.join('.'));
    for (const token of variants) {
      const error = await decryptCompact(token, decryptKey, policy).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JoseRejection);
      expect((error as JoseRejection).reason).toBe('JWE: decryption failed');
    }
    await expect(decryptCompact(good, decryptKey, policy)).resolves.toBeDefined();
  });
});
