// Jest loads global setup outside its ESM module system, so this file is plain ESM JavaScript
// and uses the build (npm test builds first), not the TypeScript sources.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../dist/src/database/data-source.options.js';
import { EmbeddedPostgresServer } from '../../dist/src/database/embedded-postgres.server.js';
import { runMigrationsLocked } from '../../dist/src/database/migration.runner.js';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * One fresh database per test run: in the Postgres named by TEST_DATABASE_URL when set, otherwise
 * in a throw-away embedded Postgres of this run's own (a temp folder, durability off), so that
 * two test runs at once never share a cluster.
 * Migrations run once here; the test files share the database and isolate by merchant.
 */
export default async function globalSetup() {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let embedded;
  if (!adminUrl) {
    embedded = new EmbeddedPostgresServer({
      dataDir: join(mkdtempSync(join(tmpdir(), 'gatehouse-test-pg-')), 'pgdata'),
      port: await freePort(),
      database: 'postgres',
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    adminUrl = await embedded.start();
  }
  const database = `gatehouse_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  await client.end();

  const url = withDatabase(adminUrl, database);
  const dataSource = new DataSource(dataSourceOptions(url, 2));
  await dataSource.initialize();
  await runMigrationsLocked(dataSource);
  await dataSource.destroy();

  process.env.GATEHOUSE_TEST_DATABASE_URL = url;
  globalThis.__GATEHOUSE_TEST_DB__ = { adminUrl, database, embedded };
}
