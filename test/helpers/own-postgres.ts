import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options.js';
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.server.js';
import { runMigrationsLocked } from '../../src/database/migration.runner.js';
import { freePort } from '../setup/global-setup.mjs';

export interface OwnPostgres {
  url: string;
  /** Fast shutdown (sessions are ended) and back on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

/**
 * A Postgres server of the test's own (the embedded-postgres binaries, a temp folder, a free
 * port), migrated, for tests that stop and restart the database. Never the shared server: others
 * use that one. Durability stays on, so a restart loses nothing that was committed.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-own-pg-'));
  const server = new EmbeddedPostgresServer({ dataDir: join(dir, 'pgdata'), port: await freePort(), database: 'gatehouse' });
  const url = await server.start();
  const dataSource = new DataSource(dataSourceOptions(url, 2));
  await dataSource.initialize();
  await runMigrationsLocked(dataSource);
  await dataSource.destroy();
  return {
    url,
    stop: () => server.stop(),
    start: async () => {
      await server.start();
    },
    async destroy() {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
