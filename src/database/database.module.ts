import { Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { runMigrationsLocked } from './migration.runner.js';

/** Applies pending migrations before anything serves (unless MIGRATIONS_RUN=false). */
@Injectable()
export class MigrationsOnBoot implements OnModuleInit {
  private readonly logger = new Logger('Migrations');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.migrationsRun) return;
    const ran = await runMigrationsLocked(this.dataSource);
    if (ran.length) this.logger.log({ migrations: ran }, `applied ${ran.length} migration(s)`);
  }
}

@Module({ providers: [MigrationsOnBoot] })
export class DatabaseModule {}
