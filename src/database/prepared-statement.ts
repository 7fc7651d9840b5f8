import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * A statement that Postgres parses and plans once per connection (a named prepared statement)
 * instead of on every call. On the hot paths (API-key auth, consent and payment creation,
 * idempotency claims) parsing and planning cost Postgres more than running the query, and
 * TypeORM's query runner costs Gatehouse more than the driver call; so these go to `pg` directly.
 *
 * A name must always stand for the same text (`pg` refuses a second text under one name); the
 * registry below makes that a startup error rather than a runtime one. Behind a transaction-mode
 * pooler (PgBouncer older than 1.21) named statements do not work; connect Gatehouse directly or
 * in session mode.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

const registry = new Map<string, string>();

export function prepared(name: string, text: string): PreparedStatement {
  const known = registry.get(name);
  if (known !== undefined && known !== text) throw new Error(`prepared statement ${name} declared twice with different text`);
  registry.set(name, text);
  return { name, text };
}

/** The pool behind a DataSource, or the connection of a transaction's EntityManager. */
function executor(db: DataSource | EntityManager): Pool | Promise<PoolClient> {
  if ('queryRunner' in db && db.queryRunner) return db.queryRunner.connect() as Promise<PoolClient>;
  const source = 'driver' in db ? db : db.connection;
  return (source.driver as unknown as { master: Pool }).master;
}

/** Runs the statement on the pool (any free connection) or inside the manager's transaction. */
export async function runPrepared<R extends QueryResultRow = QueryResultRow>(db: DataSource | EntityManager, statement: PreparedStatement, values: unknown[]): Promise<QueryResult<R>> {
  const target = await executor(db);
  return target.query<R>({ name: statement.name, text: statement.text, values });
}
