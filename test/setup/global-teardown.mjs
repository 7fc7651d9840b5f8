import pg from 'pg';

export default async function globalTeardown() {
  const state = globalThis.__GATEHOUSE_TEST_DB__;
  if (!state) return;
  const client = new pg.Client({ connectionString: state.adminUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(state.database)} WITH (FORCE)`);
  await client.end();
  await state.embedded?.stop();
}
