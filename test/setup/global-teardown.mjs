import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';

export default async function globalTeardown() {
  const state = globalThis.__GATEHOUSE_TEST_DB__;
  if (!state) return;
  const client = new pg.Client({ connectionString: state.adminUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(state.database)} WITH (FORCE)`);
  // Scratch databases of this run (test/helpers/scratch-database.ts) that a failed test left behind.
  const { rows } = await client.query(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [`${state.database}_`]);
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
  await client.end();
  if (state.embedded) {
    await state.embedded.stop();
    rmSync(dirname(state.embedded.dataDir), { recursive: true, force: true });
  }
}
