import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { z } from 'zod';
import { AppConfig } from './app-config.js';
import { configSchema, SECRET_VARIABLES } from './config.schema.js';

/** Thrown at boot when the configuration is invalid; its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment (plus an optional `.env` file, whose values never override real
 * environment variables), validates it and returns the typed configuration.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: { cwd?: string; dotenv?: boolean } = {},
): AppConfig {
  const cwd = options.cwd ?? process.cwd();
  const fromFile = options.dotenv === false ? {} : readDotenv(resolve(cwd, '.env'));
  const merged: Record<string, string | undefined> = { ...fromFile, ...env };
  // Only the variables of the core schema are passed to it; an empty one means "not set".
  const core = Object.fromEntries(Object.keys(configSchema.shape).map((k) => [k, merged[k]]));
  const parsed = parseModuleConfig(configSchema, core, SECRET_VARIABLES);
  return new AppConfig(parsed, cwd, merged);
}

/**
 * Validates a module's own variables (a provider's `<provider>.config.ts` schema) against the
 * same raw environment, with the same error messages: bad variables are named, secrets not echoed.
 */
export function parseModuleConfig<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  secrets: ReadonlySet<string> = new Set(),
): z.output<S> {
  const cleaned = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'configuration');
      const value = cleaned[name];
      const shown = value === undefined || secrets.has(name) ? '' : ` (got ${JSON.stringify(value)})`;
      return `${name}: ${issue.message}${shown}`;
    }),
  );
}

function readDotenv(path: string): Record<string, string> {
  return existsSync(path) ? parseDotenv(readFileSync(path)) : {};
}
