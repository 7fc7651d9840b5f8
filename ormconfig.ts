// The TypeORM data source used by the migration scripts (`npm run migration:run|revert|generate`).
// It reads the same configuration as the app: DATABASE_URL, or the embedded Postgres under DATA_DIR.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/config.loader.js';
import { openDatabase } from './src/database/database.resolver.js';
import { dataSourceOptions } from './src/database/data-source.options.js';

const config = loadConfig();
const database = await openDatabase(config, (level, message) => process.stderr.write(`[${level}] ${message}\n`));
// A server this CLI run started is stopped when it exits; one a running Gatehouse owns is left alone.
process.once('exit', () => database.embedded?.stopSyncIfStartedHere());

export default new DataSource(dataSourceOptions(database.url, 2));
