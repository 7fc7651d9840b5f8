import { apiKeyMatches, hashApiKey, issueApiKey, keyModeFor, parseApiKey } from './api-key.codec.js';

describe('API key codec', () => {
  it('issues keys of the documented shape with a 20-character lookup prefix', () => {
    const { key, prefix, secretHash } = issueApiKey('test');
    expect(key).toMatch(/^gh_test_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
    expect(prefix).toBe(key.slice(0, 20));
    expect(secretHash).toBe(hashApiKey(key));
    expect(secretHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never issues the same key twice', () => {
    const keys = new Set(Array.from({ length: 200 }, () => issueApiKey('live').key));
    expect(keys.size).toBe(200);
  });

  it('parses its own keys and nothing else', () => {
    const { key, prefix } = issueApiKey('live');
    expect(parseApiKey(key)).toEqual({ prefix, mode: 'live' });
    for (const bad of ['', 'gh_prod_aaaaaaaaaaaa_' + 'a'.repeat(43), key + 'x', key.slice(0, -1), ` ${key}`, key.toUpperCase()]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });

  it('matches only the exact key', () => {
    const { key, secretHash } = issueApiKey('test');
    expect(apiKeyMatches(key, secretHash)).toBe(true);
    expect(apiKeyMatches(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), secretHash)).toBe(false);
    expect(apiKeyMatches(key, 'not-hex')).toBe(false);
  });

  it('uses test keys in the sandbox and live keys in production', () => {
    expect(keyModeFor('sandbox')).toBe('test');
    expect(keyModeFor('production')).toBe('live');
  });
});
