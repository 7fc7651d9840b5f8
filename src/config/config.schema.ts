import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole number')
  .min(0, 'expected a port between 0 and 65535')
  .max(65535, 'expected a port between 0 and 65535');

const positiveInt = z.coerce.number({ error: 'expected a number' }).int('expected a whole number').positive();

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/\S+$/, 'expected a postgres:// or postgresql:// URL');

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

const csvOfOrigins = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/, error: 'expected comma-separated http(s) origins' })));

/**
 * Every environment variable Gatehouse reads, with its default. The README's configuration table
 * mirrors this schema; `SECRET_VARIABLES` are never echoed in error messages or logs.
 */
export const configSchema = z
  .object({
    GATEHOUSE_MODE: z.enum(['sandbox', 'production']).default('sandbox'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: port.default(3000),
    PUBLIC_BASE_URL: httpUrl.optional(),
    DATABASE_URL: postgresUrl.optional(),
    DATABASE_POOL_SIZE: positiveInt.max(100).default(10),
    DATA_DIR: z.string().min(1).default('.data'),
    EMBEDDED_PG_PORT: port.default(54329),
    MIGRATIONS_RUN: flag.default(true),
    ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    DEMO_MERCHANT: flag.default(true),
    CORS_ORIGINS: csvOfOrigins.default([]),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'expected a size such as 512kb or 1mb')
      .default('1mb'),
    TRUST_PROXY: flag.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SHUTDOWN_GRACE_MS: positiveInt.max(120_000).default(10_000),
    TOKEN_ENCRYPTION_KEYS: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.GATEHOUSE_MODE !== 'production') return;
    for (const name of ['DATABASE_URL', 'ADMIN_TOKEN', 'PUBLIC_BASE_URL', 'TOKEN_ENCRYPTION_KEYS'] as const) {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when GATEHOUSE_MODE=production' });
    }
  });

export type RawEnv = z.input<typeof configSchema>;
export type ParsedEnv = z.output<typeof configSchema>;

export const SECRET_VARIABLES = new Set(['DATABASE_URL', 'ADMIN_TOKEN', 'TOKEN_ENCRYPTION_KEYS']);
