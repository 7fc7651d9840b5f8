import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options.js';
import { runMigrationsLocked } from '../../src/database/migration.runner.js';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A database of its own, beside the run's test database on the same server (its name starts with
 * the run's, so the global teardown drops it even if the test dies). For tests whose state is not
 * per merchant: MoMo's API user and access token are one row per product, and any app on the
 * database claims MoMo's status checks (payment_checks), so two apps with different MoMo
 * emulators must not share a database.
 */
export async function createScratchDatabase(label: string, options: { migrate?: boolean } = {}): Promise<ScratchDatabase> {
  const runUrl = process.env.GATEHOUSE_TEST_DATABASE_URL;
  if (!runUrl) throw new Error('GATEHOUSE_TEST_DATABASE_URL is not set: run the tests with npm test');
  const name = `${new URL(runUrl).pathname.slice(1)}_${label}_${randomBytes(2).toString('hex')}`;
  if (name.length > 63) throw new Error(`database name too long: ${name}`);
  const admin = new pg.Client({ connectionString: runUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  await admin.end();
  const url = withDatabase(runUrl, name);
  if (options.migrate !== false) {
    const dataSource = new DataSource(dataSourceOptions(url, 2));
    await dataSource.initialize();
    await runMigrationsLocked(dataSource);
    await dataSource.destroy();
  }
  return {
    url,
    async drop() {
      const client = new pg.Client({ connectionString: runUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** One query on a database by URL, with a short-lived client. */
export async function query<T = Record<string, any>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
