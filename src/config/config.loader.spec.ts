import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.loader.js';

const load = (env: Record<string, string>) => loadConfig(env, { dotenv: false, cwd: '/srv/gh' });

describe('loadConfig', () => {
  it('gives a runnable sandbox with no variables at all', () => {
    const config = load({});
    expect(config).toMatchObject({ mode: 'sandbox', port: 3000, embeddedPgPort: 54329, dataDir: '/srv/gh/.data', migrationsRun: true, demoMerchant: true });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
  });

  it('names the bad variable and its value', () => {
    expect(() => load({ PORT: 'eighty' })).toThrow(/PORT: .*\(got "eighty"\)/);
    expect(() => load({ EMBEDDED_PG_PORT: '70000' })).toThrow(/EMBEDDED_PG_PORT: expected a port between 0 and 65535/);
    expect(() => load({ MIGRATIONS_RUN: 'maybe' })).toThrow(/MIGRATIONS_RUN: expected true or false/);
  });

  it('lists every problem at once', () => {
    try {
      load({ PORT: 'x', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT']);
    }
  });

  it('never echoes a secret value', () => {
    expect(() => load({ ADMIN_TOKEN: 'short-secret' })).toThrow(/ADMIN_TOKEN: must be at least 32 characters$/m);
    expect(() => load({ ADMIN_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => load({ DATABASE_URL: 'mysql://u:hunter2@h/db' })).not.toThrow(/hunter2/);
  });

  it('requires the production essentials', () => {
    expect(() => load({ GATEHOUSE_MODE: 'production' })).toThrow(/DATABASE_URL: is required when GATEHOUSE_MODE=production[\s\S]*ADMIN_TOKEN/);
  });

  it('reads .env, but real environment variables win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-env-'));
    writeFileSync(join(dir, '.env'), 'PORT=4000\nLOG_LEVEL=debug\n');
    const config = loadConfig({ PORT: '5000' }, { cwd: dir });
    expect(config.port).toBe(5000);
    expect(config.logLevel).toBe('debug');
  });

  it('treats an empty variable as unset and parses lists', () => {
    const config = load({ DATABASE_URL: '', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });
});
