#!/usr/bin/env node
// `npm run momo:provision [-- --replace] [-- --print-keys]`: creates (or shows) the API user and key
// of each MoMo product in a MoMo sandbox (MOMO_BASE_URL; by default the emulator of a running
// Gatehouse) and keeps them, key encrypted, in Gatehouse's database, where Gatehouse uses them.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../config/config.loader.js';
import { TokenCipher } from '../../crypto/token-cipher.service.js';
import { dataSourceOptions } from '../../database/data-source.options.js';
import { openDatabase } from '../../database/database.resolver.js';
import { runMigrationsLocked } from '../../database/migration.runner.js';
import { MOMO_SANDBOX_PATH, MOMO_SANDBOX_SUBSCRIPTION_KEYS } from '../../sandbox/sandbox-accounts.js';
import { MomoCredentials } from './momo-credentials.service.js';
import { MomoClient } from './momo.client.js';
import { loadMomoConfig, MOMO_PRODUCTS } from './momo.config.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { replace: { type: 'boolean', default: false }, 'print-keys': { type: 'boolean', default: false } } });
  const config = loadConfig();
  const momo = loadMomoConfig(config, { collection: MOMO_SANDBOX_SUBSCRIPTION_KEYS.collection.primary, disbursement: MOMO_SANDBOX_SUBSCRIPTION_KEYS.disbursement.primary }, MOMO_SANDBOX_PATH);
  if (!momo.canProvision) {
    process.stderr.write('momo:provision: provisioning exists only in a MoMo sandbox (GATEHOUSE_MODE=sandbox, MOMO_TARGET_ENVIRONMENT=sandbox)\n');
    return 1;
  }
  const database = await openDatabase(config, (level, message) => process.stderr.write(`[${level}] ${message}\n`));
  const dataSource = new DataSource(dataSourceOptions(database.url, 2));
  try {
    await dataSource.initialize();
    await runMigrationsLocked(dataSource);
    const credentials = new MomoCredentials(momo, dataSource, new MomoClient(momo), TokenCipher.fromConfig(config, new Logger('TokenCipher')));
    for (const product of MOMO_PRODUCTS) {
      const { apiUser, apiKey } = values.replace ? await credentials.provision(product, { replace: true }) : await credentials.get(product);
      const { ok, registered, expected } = await credentials.checkCallbackHost(product);
      process.stdout.write(
        `${product}: apiUser ${apiUser}${values['print-keys'] ? `, apiKey ${apiKey}` : ''}; callback host ${registered ?? '?'}${ok ? '' : ` (MOMO_CALLBACK_BASE_URL says ${expected})`}\n`,
      );
    }
    return 0;
  } catch (err) {
    process.stderr.write(`momo:provision: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await dataSource.destroy().catch(() => undefined);
    if (database.embedded?.started) await database.close();
  }
}

process.exitCode = await main();
