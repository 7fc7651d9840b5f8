import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/config.loader.js';
import { toBareBase64Der, toPem } from '../../crypto/key-loader.js';
import { PACO_SANDBOX_MERCHANT } from '../../sandbox/sandbox-accounts.js';
import { loadPacoConfig } from './paco.config.js';

const load = (env: Record<string, string>) => loadPacoConfig(loadConfig(env, { dotenv: false, cwd: '/srv/gh' }));
const production = { GATEHOUSE_MODE: 'production', TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`, DATABASE_URL: 'postgres://db/gh', ADMIN_TOKEN: 'a'.repeat(40), PUBLIC_BASE_URL: 'https://gatehouse.example' };
const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('PACO configuration', () => {
  const signing = pair();
  const decryption = pair();
  const pacoSigning = pair();
  const pacoEncryption = pair();
  const keys = {
    PACO_MERCHANT_SIGNING_KEY: toPem(signing.privateKey),
    PACO_MERCHANT_DECRYPTION_KEY: toBareBase64Der(decryption.privateKey),
    PACO_SIGNING_PUBLIC_KEY: toBareBase64Der(pacoSigning.publicKey),
    PACO_ENCRYPTION_PUBLIC_KEY: toPem(pacoEncryption.publicKey).replace(/\n/g, '\\n'),
    PACO_ENCRYPTION_KEY_ID: '7f3a9c2e5b814d06a1e9c4b7d2f0e8a3',
  };

  it('sandbox: the emulator, the sandbox office and token, keys provisioned; JOSE on', () => {
    expect(load({ PUBLIC_BASE_URL: 'http://localhost:3000' })).toMatchObject({
      baseUrl: 'http://localhost:3000/sandbox/paco',
      apiVersion: '2.0',
      officeId: PACO_SANDBOX_MERCHANT.officeId,
      token: PACO_SANDBOX_MERCHANT.token,
      jose: true,
      critExp: false,
      provision: true,
      enabled: true,
      keys: undefined,
      callbackBaseUrl: 'http://localhost:3000',
    });
  });

  it('loads configured keys (PEM, escaped PEM, bare base64 DER or a file), each for its one use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paco-keys-'));
    writeFileSync(join(dir, 'signing.pem'), toPem(signing.privateKey));
    const config = load({ ...keys, PACO_MERCHANT_SIGNING_KEY: join(dir, 'signing.pem') });
    expect(config.provision).toBe(false);
    expect(config.keys).toMatchObject({ pacoKeyId: keys.PACO_ENCRYPTION_KEY_ID });
    expect(config.keys!.merchantSigning.use).toBe('sign');
    expect(config.keys!.merchantDecryption.use).toBe('decrypt');
    expect(config.keys!.pacoSigning.use).toBe('verify');
    expect(config.keys!.pacoEncryption.use).toBe('encrypt');
  });

  it('refuses half the keys, a public key where a private one belongs, an unreadable file and half the Basic credentials', () => {
    expect(() => load({ PACO_MERCHANT_SIGNING_KEY: keys.PACO_MERCHANT_SIGNING_KEY })).toThrow(/PACO_MERCHANT_DECRYPTION_KEY, PACO_SIGNING_PUBLIC_KEY, PACO_ENCRYPTION_PUBLIC_KEY, PACO_ENCRYPTION_KEY_ID: set all/);
    expect(() => load({ ...keys, PACO_MERCHANT_SIGNING_KEY: toPem(signing.publicKey) })).toThrow(/PACO_MERCHANT_SIGNING_KEY: .*public key/);
    expect(() => load({ ...keys, PACO_SIGNING_PUBLIC_KEY: toPem(pacoSigning.privateKey) })).toThrow(/PACO_SIGNING_PUBLIC_KEY: .*private key/);
    expect(() => load({ ...keys, PACO_MERCHANT_DECRYPTION_KEY: '/nonexistent/key.pem' })).toThrow(/PACO_MERCHANT_DECRYPTION_KEY: cannot read \/nonexistent\/key.pem \(ENOENT\)/);
    expect(() => load({ PACO_BASIC_USERNAME: 'u' })).toThrow(/set both or neither/);
  });

  it('production: off unless PACO_BASE_URL is set; then everything is required and JOSE cannot be off; secrets are never echoed', () => {
    expect(load(production)).toMatchObject({ enabled: false, provision: false });
    expect(() => load({ ...production, PACO_BASE_URL: 'https://core.paco.2c2p.com', PACO_JOSE: 'off', PACO_TOKEN: 'secret-token-value' })).toThrow(
      /PACO_OFFICE_ID: is required[\s\S]*PACO_MERCHANT_SIGNING_KEY: is required[\s\S]*PACO_JOSE: message encryption is mandatory/,
    );
    const ok = load({ ...production, PACO_BASE_URL: 'https://core.paco.2c2p.com/', PACO_OFFICE_ID: 'OFFICE1', PACO_TOKEN: 'secret-token-value', ...keys, PACO_BASIC_USERNAME: 'u', PACO_BASIC_PASSWORD: 'p' });
    expect(ok).toMatchObject({ baseUrl: 'https://core.paco.2c2p.com', enabled: true, provision: false, jose: true, basic: { username: 'u', password: 'p' } });
    try {
      load({ ...production, PACO_BASE_URL: 'https://core.paco.2c2p.com', PACO_TOKEN: 'x y' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as Error).message).toMatch(/PACO_TOKEN/);
      expect((err as Error).message).not.toContain('x y');
    }
  });
});
