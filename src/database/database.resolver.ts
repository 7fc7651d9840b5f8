import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { EmbeddedPostgresServer } from './embedded-postgres.server.js';

export interface DatabaseHandle {
  url: string;
  /** The embedded server when no DATABASE_URL was given. */
  embedded?: EmbeddedPostgresServer;
  /** Stops what `openDatabase` started; a no-op for an external database. */
  close(): Promise<void>;
}

export type StartupLog = (level: 'info' | 'warn', message: string) => void;

/** DATABASE_URL when set; otherwise a real Postgres run from `<DATA_DIR>/postgres`. */
export async function openDatabase(config: AppConfig, log: StartupLog): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, close: async () => undefined };
  const embedded = new EmbeddedPostgresServer({ dataDir: join(config.dataDir, 'postgres'), port: config.embeddedPgPort, log });
  const url = await embedded.start();
  log('info', `embedded Postgres ready on 127.0.0.1:${config.embeddedPgPort} (data in ${join(config.dataDir, 'postgres')})`);
  return { url, embedded, close: () => embedded.stop() };
}
