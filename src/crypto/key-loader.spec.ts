import { generateKeyPair, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../common/errors/app-error.js';
import { loadRsaKey, loadRsaKeyFile, MIN_RSA_BITS, toBareBase64Der, toPem } from './key-loader.js';

const generate = promisify(generateKeyPair);

function expectInvalidKey(action: () => unknown, pattern: RegExp): AppError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe('INVALID_KEY');
  expect((caught as AppError).message).toMatch(pattern);
  return caught as AppError;
}

describe('loadRsaKey', () => {
  let privateKey: KeyObject;
  let publicKey: KeyObject;
  let weak: { privateKey: KeyObject; publicKey: KeyObject };

  beforeAll(async () => {
    [{ privateKey, publicKey }, weak] = await Promise.all([
      generate('rsa', { modulusLength: 2048 }),
      generate('rsa', { modulusLength: 2040 }),
    ]);
  });

  it('loads PKCS#8 PEM for signing and SPKI PEM for verifying', () => {
    const signing = loadRsaKey(toPem(privateKey), 'sign');
    const verifying = loadRsaKey(toPem(publicKey), 'verify');
    expect(signing.use).toBe('sign');
    expect(signing.bits).toBe(2048);
    expect(signing.isPrivate).toBe(true);
    expect(verifying.isPrivate).toBe(false);
    expect(signing.fingerprint).toBe(verifying.fingerprint);
    expect(signing.fingerprint).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it("loads PACO's bare base64 DER bodies (PKCS#8 private, SPKI public)", () => {
    const privateB64 = toBareBase64Der(privateKey);
    const publicB64 = toBareBase64Der(publicKey);
    expect(privateB64.startsWith('MII')).toBe(true);
    expect(loadRsaKey(privateB64, 'decrypt').fingerprint).toBe(loadRsaKey(publicB64, 'encrypt').fingerprint);
    // Wrapped over several lines, as copied from a portal.
    const wrapped = publicB64.replace(/(.{64})/g, '$1\n');
    expect(loadRsaKey(wrapped, 'encrypt').bits).toBe(2048);
  });

  it('loads the PKCS#8 body mislabelled "RSA PRIVATE KEY" as 2C2P samples ship it', () => {
    const body = toBareBase64Der(privateKey).replace(/(.{64})/g, '$1\n');
    const mislabelled = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`;
    expect(loadRsaKey(mislabelled, 'sign').bits).toBe(2048);
  });

  it('loads genuine PKCS#1 and a PEM without a newline before END', () => {
    const pkcs1 = String(privateKey.export({ format: 'pem', type: 'pkcs1' }));
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    expect(loadRsaKey(pkcs1, 'sign').bits).toBe(2048);
    const squashed = toPem(publicKey).trimEnd().replace(/\n-----END/, '-----END');
    expect(squashed).not.toContain('\n-----END');
    expect(loadRsaKey(squashed, 'verify').bits).toBe(2048);
  });

  it('loads raw DER bytes and key files', async () => {
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(loadRsaKey(der, 'sign').bits).toBe(2048);
    const dir = mkdtempSync(join(tmpdir(), 'gh-keys-'));
    writeFileSync(join(dir, 'k.pem'), toPem(publicKey));
    expect((await loadRsaKeyFile(join(dir, 'k.pem'), 'verify')).use).toBe('verify');
    await expect(loadRsaKeyFile(join(dir, 'missing.pem'), 'verify')).rejects.toMatchObject({
      code: 'INVALID_KEY',
      message: expect.stringContaining('ENOENT'),
    });
  });

  it(`refuses RSA keys below ${MIN_RSA_BITS} bits (a 2040-bit key)`, () => {
    expect(weak.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2040);
    expectInvalidKey(() => loadRsaKey(toPem(weak.privateKey), 'sign'), /2040-bit RSA; at least 2048/);
    expectInvalidKey(() => loadRsaKey(toBareBase64Der(weak.publicKey), 'encrypt'), /2040-bit/);
  });

  it('binds private material to sign/decrypt and public material to verify/encrypt', () => {
    expectInvalidKey(() => loadRsaKey(toPem(privateKey), 'verify'), /is a private key/);
    expectInvalidKey(() => loadRsaKey(toPem(privateKey), 'encrypt'), /is a private key/);
    expectInvalidKey(() => loadRsaKey(toPem(publicKey), 'sign'), /is a public key/);
    expectInvalidKey(() => loadRsaKey(toPem(publicKey), 'decrypt'), /is a public key/);
  });

  it('refuses to use a key for anything but the use it was loaded for', () => {
    const signing = loadRsaKey(toPem(privateKey), 'sign', { name: 'merchant signing key' });
    expect(() => signing.assertUse('sign')).not.toThrow();
    expectInvalidKey(() => signing.assertUse('decrypt'), /merchant signing key is loaded for "sign" and cannot be used to decrypt/);
  });

  it('refuses non-RSA, encrypted, mismatched-label and garbage input without echoing it', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expectInvalidKey(() => loadRsaKey(toPem(ec.privateKey), 'sign'), /not an RSA key \(got ec\)/);
    const encrypted = String(
      privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' }),
    );
    expectInvalidKey(() => loadRsaKey(encrypted, 'sign'), /password-protected/);
    const body = toBareBase64Der(privateKey);
    const wrongLabel = `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`;
    const error = expectInvalidKey(() => loadRsaKey(wrongLabel, 'sign'), /label that does not match/);
    expect(error.message).not.toContain(body.slice(0, 40));
    expectInvalidKey(() => loadRsaKey('not a key: #1', 'verify'), /neither PEM nor base64 DER/);
    expectInvalidKey(() => loadRsaKey('QUJDRA==', 'verify'), /not a PKCS#8, PKCS#1 or SPKI RSA key/);
    expectInvalidKey(() => loadRsaKey('-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----', 'verify'), /unsupported PEM label/);
  });

  it('honours a JWK "use" and refuses a signing JWK for decryption', () => {
    const jwk = privateKey.export({ format: 'jwk' });
    expect(loadRsaKey({ ...jwk, use: 'enc' }, 'decrypt').use).toBe('decrypt');
    expectInvalidKey(() => loadRsaKey({ ...jwk, use: 'sig' }, 'decrypt'), /marked use "sig"/);
  });

  it('keeps the private DER out of enumerable fields and JSON, and gives it only to the worker pool', () => {
    const key = loadRsaKey(toPem(privateKey), 'decrypt');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(JSON.stringify(key)).not.toContain(der.toString('base64').slice(0, 40));
    expect(Object.values(key).some((v) => Buffer.isBuffer(v))).toBe(false);
    expect(key.poolHandle().privateDer.equals(der)).toBe(true);
    expect(loadRsaKey(toPem(privateKey), 'decrypt').poolKeyId).not.toBe(key.poolKeyId);
    expectInvalidKey(() => loadRsaKey(toPem(publicKey), 'verify').poolHandle(), /is not a private key/);
  });
});
