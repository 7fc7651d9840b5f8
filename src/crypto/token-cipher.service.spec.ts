import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../common/errors/app-error.js';
import { loadConfig } from '../config/config.loader.js';
import { SANDBOX_KEY_FILE, TokenCipher, type TokenAad } from './token-cipher.service.js';
import { formatTokenKey, parseTokenEncryptionKeys, TokenKeyConfigError } from './token-key-ring.js';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const row: TokenAad = { merchantId: 'm_1', consentId: 'c_1', column: 'access_token' };

function expectDecryptionFailure(action: () => unknown) {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect(caught).toMatchObject({ code: 'DECRYPTION_FAILED', message: 'A stored secret could not be decrypted' });
}

function configError(raw: string): TokenKeyConfigError {
  try {
    parseTokenEncryptionKeys(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenKeyConfigError);
    return error as TokenKeyConfigError;
  }
  throw new Error('expected parseTokenEncryptionKeys to throw');
}

describe('TokenCipher', () => {
  const cipher = new TokenCipher(parseTokenEncryptionKeys(formatTokenKey('k1', keyA)));

  it('round-trips and writes v1:<kid>:<base64url>, never the plaintext', () => {
    const secret = 'refresh-token-éü-1234567890';
    const sealed = cipher.encrypt(secret, row);
    expect(sealed).toMatch(/^v1:k1:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(secret);
    expect(Buffer.from(sealed.split(':')[2], 'base64url').toString('latin1')).not.toContain('refresh');
    expect(cipher.decrypt(sealed, row)).toBe(secret);
  });

  it('uses a fresh IV every time', () => {
    expect(cipher.encrypt('same', row)).not.toBe(cipher.encrypt('same', row));
  });

  it.each([
    ['another merchant', { ...row, merchantId: 'm_2' }],
    ['another consent', { ...row, consentId: 'c_2' }],
    ['another column', { ...row, column: 'refresh_token' }],
  ])('a ciphertext moved to %s does not decrypt', (_label, otherRow) => {
    const sealed = cipher.encrypt('secret', row);
    expectDecryptionFailure(() => cipher.decrypt(sealed, otherRow));
    expect(cipher.decrypt(sealed, row)).toBe('secret');
  });

  it('identity fields cannot be shifted into each other', () => {
    const sealed = cipher.encrypt('secret', { merchantId: 'a', consentId: 'bc', column: 'x' });
    expectDecryptionFailure(() => cipher.decrypt(sealed, { merchantId: 'ab', consentId: 'c', column: 'x' }));
  });

  it('tampering, truncation, an unknown key id or another version give one error', () => {
    const sealed = cipher.encrypt('secret', row);
    const body = Buffer.from(sealed.split(':')[2], 'base64url');
    for (const index of [0, 12, body.length - 1]) {
      const copy = Buffer.from(body);
      copy[index] ^= 1;
      expectDecryptionFailure(() => cipher.decrypt(`v1:k1:${copy.toString('base64url')}`, row));
    }
    expectDecryptionFailure(() => cipher.decrypt(`v1:k1:${body.subarray(0, 20).toString('base64url')}`, row));
    expectDecryptionFailure(() => cipher.decrypt(sealed.replace('v1:k1:', 'v1:zz:'), row));
    expectDecryptionFailure(() => cipher.decrypt(sealed.replace('v1:', 'v2:'), row));
    expectDecryptionFailure(() => cipher.decrypt('plaintext-token', row));
  });

  it('rotates: the new active key encrypts, the old key still decrypts, rotate() re-encrypts', () => {
    const old = cipher.encrypt('secret', row);
    const rotated = new TokenCipher(parseTokenEncryptionKeys(`${formatTokenKey('k2', keyB)},${formatTokenKey('k1', keyA)}`));
    expect(rotated.activeKid).toBe('k2');
    expect(rotated.decrypt(old, row)).toBe('secret');
    expect(rotated.needsRotation(old)).toBe(true);
    const fresh = rotated.rotate(old, row);
    expect(fresh.startsWith('v1:k2:')).toBe(true);
    expect(rotated.needsRotation(fresh)).toBe(false);
    expect(rotated.rotate(fresh, row)).toBe(fresh);
    // A ring without k2 cannot read the rotated value.
    expectDecryptionFailure(() => cipher.decrypt(fresh, row));
  });

  it('a key id cannot be swapped to make another key try the ciphertext', () => {
    const both = new TokenCipher(parseTokenEncryptionKeys(`${formatTokenKey('k1', keyA)},${formatTokenKey('k2', keyB)}`));
    const sealed = both.encrypt('secret', row);
    expectDecryptionFailure(() => both.decrypt(sealed.replace('v1:k1:', 'v1:k2:'), row));
  });
});

describe('parseTokenEncryptionKeys', () => {
  it('parses kid:base64 entries; the first is active', () => {
    const ring = parseTokenEncryptionKeys(` k1:${keyA.toString('base64')} , k2:${keyB.toString('base64')}`);
    expect(ring.activeKid).toBe('k1');
    expect([...ring.keys.keys()]).toEqual(['k1', 'k2']);
    expect(ring.keys.get('k2')).toEqual(keyB);
  });

  it('refuses wrong lengths and bad input, naming TOKEN_ENCRYPTION_KEYS but never the key', () => {
    const short = randomBytes(16).toString('base64');
    const error = configError(`k1:${short}`);
    expect(error.message).toMatch(/^TOKEN_ENCRYPTION_KEYS: key "k1" must be standard base64 of exactly 32 bytes \(got 16\)/);
    expect(error.message).not.toContain(short);
    const long = randomBytes(33).toString('base64');
    expect(configError(`k1:${long}`).message).not.toContain(long);
    expect(configError('').message).toContain('no keys given');
    expect(configError(keyA.toString('base64')).message).toContain('not in the form kid:base64key');
    expect(configError(`bad kid!:${keyA.toString('base64')}`).message).toContain('invalid key id');
    expect(configError(`k1:${keyA.toString('base64')},k1:${keyB.toString('base64')}`).message).toContain('appears twice');
    expect(configError('k1:not*base64!').message).toContain('invalid base64');
  });
});

describe('TokenCipher.fromConfig', () => {
  const warnings: string[] = [];
  const logger = { debug: () => undefined, warn: (m: string) => warnings.push(m) };
  beforeEach(() => warnings.splice(0));

  it('uses TOKEN_ENCRYPTION_KEYS when set, without warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-tc-'));
    const config = loadConfig({ DATA_DIR: dir, TOKEN_ENCRYPTION_KEYS: formatTokenKey('prod1', keyA) }, { dotenv: false, cwd: dir });
    const fromConfig = TokenCipher.fromConfig(config, logger);
    expect(fromConfig.activeKid).toBe('prod1');
    expect(warnings).toEqual([]);
    expect(() => statSync(join(dir, SANDBOX_KEY_FILE))).toThrow();
  });

  it('in sandbox mode without keys, generates one key file (0600) once, warns, and reuses it on the next boot', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gh-tc-')), 'nested', '.data');
    const config = loadConfig({ DATA_DIR: dir }, { dotenv: false, cwd: dir });
    expect(config.isSandbox).toBe(true);
    const first = TokenCipher.fromConfig(config, logger);
    const path = join(dir, SANDBOX_KEY_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^sandbox:[A-Za-z0-9+/]{43}=\n$/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('generated the sandbox key');
    expect(warnings[0]).not.toContain(readFileSync(path, 'utf8').split(':')[1].trim());

    const sealed = first.encrypt('secret', row);
    const second = TokenCipher.fromConfig(config, logger);
    expect(second.decrypt(sealed, row)).toBe('secret');
    expect(warnings[1]).toContain('using the sandbox key');
  });

  it('in production mode without keys, refuses to boot and names TOKEN_ENCRYPTION_KEYS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-tc-'));
    expect(() => TokenCipher.fromConfig({ isSandbox: false, dataDir: dir, tokenEncryptionKeys: undefined }, logger)).toThrow(
      'TOKEN_ENCRYPTION_KEYS: is required in production mode',
    );
    expect(() => statSync(join(dir, SANDBOX_KEY_FILE))).toThrow();
  });
});
