import { ConfigError, loadConfig } from '../../config/config.loader.js';
import { loadConnectPayConfig } from './connectpay.config.js';

const load = (env: Record<string, string>) => loadConnectPayConfig(loadConfig({ PUBLIC_BASE_URL: 'https://gh.example', ...env }, { dotenv: false, cwd: '/srv/gh' }));

describe('ConnectPay configuration', () => {
  it('defaults to the emulator, its DevApp and the assumed paths', () => {
    expect(load({})).toEqual({
      baseUrl: 'https://gh.example/sandbox/connectpay',
      authorizeUrl: 'https://gh.example/sandbox/connectpay/auth/v1/oauth2/authorize',
      tokenUrl: 'https://gh.example/sandbox/connectpay/auth/v1/oauth2/token',
      revokeUrl: 'https://gh.example/sandbox/connectpay/auth/v1/oauth2/revoke',
      apiUrl: 'https://gh.example/sandbox/connectpay/ob',
      clientId: 'gatehouse-sbx-7c1e4a92',
      clientSecret: expect.any(String),
      flowParam: 'flowid',
      tokenSendsRedirectUrl: false,
      timeoutMs: 15_000,
      callbackUrl: 'https://gh.example/oauth/connectpay/callback',
      enabled: true,
    });
  });

  it('takes every unknown of the spec as a variable', () => {
    const config = load({
      CONNECTPAY_BASE_URL: 'https://api-stage.connectpay.com/',
      CONNECTPAY_CLIENT_ID: 'id',
      CONNECTPAY_CLIENT_SECRET: 'secret',
      CONNECTPAY_AUTHORIZE_URL: 'https://auth-stage.connectpay.com/authorize',
      CONNECTPAY_REVOKE_PATH: '/auth/v1/oauth2/revoke-refresh-token',
      CONNECTPAY_API_PREFIX: '/psd2/v1',
      CONNECTPAY_FLOW_PARAM: 'flowId',
      CONNECTPAY_TOKEN_SENDS_REDIRECT_URL: 'true',
    });
    expect(config).toMatchObject({
      baseUrl: 'https://api-stage.connectpay.com',
      authorizeUrl: 'https://auth-stage.connectpay.com/authorize',
      revokeUrl: 'https://api-stage.connectpay.com/auth/v1/oauth2/revoke-refresh-token',
      apiUrl: 'https://api-stage.connectpay.com/psd2/v1',
      flowParam: 'flowId',
      tokenSendsRedirectUrl: true,
    });
  });

  it('refuses a real ConnectPay without credentials, and bad values, naming them (never the secret)', () => {
    expect(() => load({ CONNECTPAY_BASE_URL: 'https://api-stage.connectpay.com' })).toThrow(/CONNECTPAY_CLIENT_ID[\s\S]*CONNECTPAY_CLIENT_SECRET/);
    expect(() => load({ CONNECTPAY_API_PREFIX: '/ob?x=1' })).toThrow(/CONNECTPAY_API_PREFIX/);
    expect(() => load({ CONNECTPAY_FLOW_PARAM: 'FLOWID' })).toThrow(/CONNECTPAY_FLOW_PARAM/);
    try {
      load({ CONNECTPAY_CLIENT_SECRET: '', CONNECTPAY_TIMEOUT_MS: '5' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([expect.stringMatching(/^CONNECTPAY_TIMEOUT_MS/)]);
    }
  });

  it('is off in production unless configured', () => {
    const prod = { GATEHOUSE_MODE: 'production', TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`, DATABASE_URL: 'postgres://db/gh', ADMIN_TOKEN: 'a'.repeat(40) };
    expect(load(prod).enabled).toBe(false);
    expect(load({ ...prod, CONNECTPAY_BASE_URL: 'https://api.connectpay.com', CONNECTPAY_CLIENT_ID: 'id', CONNECTPAY_CLIENT_SECRET: 's' }).enabled).toBe(true);
  });
});
