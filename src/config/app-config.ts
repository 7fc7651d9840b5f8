import { resolve } from 'node:path';
import type { ParsedEnv } from './config.schema.js';

export type GatehouseMode = 'sandbox' | 'production';

/**
 * The typed, validated configuration, injectable by its class. Built once by `loadConfig`;
 * everything else reads settings from here, never from `process.env`.
 */
export class AppConfig {
  readonly mode: GatehouseMode;
  readonly host: string;
  readonly port: number;
  /** Where users' browsers and merchants reach this instance (links, OAuth callbacks). */
  readonly publicBaseUrl: string;
  /** Set when an external Postgres is used; otherwise the embedded one is started. */
  readonly databaseUrl?: string;
  readonly databasePoolSize: number;
  /** Absolute path of the folder for local state (embedded Postgres, generated sandbox keys). */
  readonly dataDir: string;
  readonly embeddedPgPort: number;
  readonly migrationsRun: boolean;
  readonly adminToken?: string;
  readonly demoMerchant: boolean;
  readonly corsOrigins: string[];
  readonly bodyLimit: string;
  readonly trustProxy: boolean;
  readonly logLevel: ParsedEnv['LOG_LEVEL'];
  readonly shutdownGraceMs: number;
  /** Raw `TOKEN_ENCRYPTION_KEYS` (`kid:base64key,...`); parsed by the crypto module. */
  readonly tokenEncryptionKeys?: string;

  /**
   * The raw variables (environment over `.env`), for the provider modules' own schemas
   * (`<provider>.config.ts`), which are validated at boot the same way.
   */
  readonly env: Readonly<Record<string, string | undefined>>;

  constructor(env: ParsedEnv, cwd = process.cwd(), raw: Record<string, string | undefined> = {}) {
    this.env = Object.freeze({ ...raw });
    this.mode = env.GATEHOUSE_MODE;
    this.host = env.HOST;
    this.port = env.PORT;
    this.publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
    this.databaseUrl = env.DATABASE_URL;
    this.databasePoolSize = env.DATABASE_POOL_SIZE;
    this.dataDir = resolve(cwd, env.DATA_DIR);
    this.embeddedPgPort = env.EMBEDDED_PG_PORT;
    this.migrationsRun = env.MIGRATIONS_RUN;
    this.adminToken = env.ADMIN_TOKEN;
    this.demoMerchant = env.DEMO_MERCHANT;
    this.corsOrigins = env.CORS_ORIGINS;
    this.bodyLimit = env.BODY_LIMIT.toLowerCase();
    this.trustProxy = env.TRUST_PROXY;
    this.logLevel = env.LOG_LEVEL;
    this.shutdownGraceMs = env.SHUTDOWN_GRACE_MS;
    this.tokenEncryptionKeys = env.TOKEN_ENCRYPTION_KEYS;
  }

  get isSandbox(): boolean {
    return this.mode === 'sandbox';
  }
}
