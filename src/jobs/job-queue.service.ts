import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PgBoss } from 'pg-boss';

export const JOBS_DATABASE_URL = Symbol('JOBS_DATABASE_URL');

export type JobHandler<T> = (data: T) => Promise<void>;

/**
 * Background jobs in Postgres (pg-boss, in its own `pgboss` schema): several instances share the
 * queue and each job is worked once (SKIP LOCKED), so more instances add workers, not duplicates.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly boss: PgBoss;
  private readonly queues = new Set<string>();
  private started?: Promise<unknown>;

  constructor(@Inject(JOBS_DATABASE_URL) databaseUrl: string) {
    this.boss = new PgBoss({ connectionString: databaseUrl, max: 3, schedule: false });
    // A job queue that loses its database connection keeps retrying; log, don't crash.
    this.boss.on('error', (err: unknown) => this.logger.warn({ err: (err as Error).message }, 'job queue error'));
  }

  async onModuleInit(): Promise<void> {
    this.started = this.boss.start();
    await this.started;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: true, timeout: 5_000 }).catch(() => undefined);
  }

  /** Queues a job; with a singleton key, at most one such job waits at a time. */
  async send<T extends object>(queue: string, data: T, options: { afterSeconds?: number; singletonKey?: string } = {}): Promise<void> {
    await this.ensureQueue(queue);
    // A job here is a few provider calls: if its worker died (an instance stopped, the database went
    // away mid-job), it is retried after a minute, not after pg-boss's default 15.
    await this.boss.send(queue, data, { startAfter: options.afterSeconds ?? 0, singletonKey: options.singletonKey, retryLimit: 3, retryDelay: 5, expireInSeconds: 60 });
  }

  async work<T extends object>(queue: string, handler: JobHandler<T>): Promise<void> {
    await this.ensureQueue(queue);
    // Jobs of a batch run side by side; handlers are idempotent, so a failed batch is simply retried.
    await this.boss.work<T>(queue, { pollingIntervalSeconds: 0.5, batchSize: 20 }, async (jobs) => {
      await Promise.all(jobs.map((job) => handler(job.data)));
    });
  }

  private async ensureQueue(queue: string): Promise<void> {
    if (this.queues.has(queue)) return;
    await this.boss.createQueue(queue).catch((err: Error) => {
      if (!/already exists/i.test(err.message)) throw err;
    });
    this.queues.add(queue);
  }
}
