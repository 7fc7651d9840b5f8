import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
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
  // An empty variable means "not set", as in most twelve-factor tools.
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape).map((k) => [k, merged[k] === '' ? undefined : merged[k]]),
  );
  const result = configSchema.safeParse(relevant);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'configuration');
        const value = relevant[name];
        const shown = value === undefined || SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(value)})`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  return new AppConfig(result.data, cwd);
}

function readDotenv(path: string): Record<string, string> {
  return existsSync(path) ? parseDotenv(readFileSync(path)) : {};
}
