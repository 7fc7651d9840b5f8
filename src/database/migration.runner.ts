import type { DataSource } from 'typeorm';

// Any constant works; it only has to be the same for every Gatehouse instance.
const MIGRATION_LOCK = 0x6761_7465; // "gate"

/**
 * Runs pending migrations while holding a Postgres advisory lock, so instances that boot together
 * apply each migration exactly once (the others wait, then find nothing to do).
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  return withAdvisoryLock(dataSource, MIGRATION_LOCK, async () => {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  });
}

export async function withAdvisoryLock<T>(dataSource: DataSource, key: number, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await runner.release();
  }
}
