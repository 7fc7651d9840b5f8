import 'reflect-metadata';
import { pino } from 'pino';
import { createGatehouseApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/config.loader.js';
import type { AppConfig } from './config/app-config.js';
import { type DatabaseHandle, openDatabase } from './database/database.resolver.js';
import type { DemoMerchantCreated } from './merchants/demo-merchant.seeder.js';

function banner(config: AppConfig, demo: DemoMerchantCreated | undefined): string {
  const base = config.publicBaseUrl;
  const lines = [
    '',
    `  Gatehouse is running (${config.mode} mode) on ${base}`,
    `    API docs     ${base}/docs   (OpenAPI JSON: ${base}/docs-json)`,
    `    Readiness    ${base}/health/ready`,
    ...(config.isSandbox ? [`    Demo shop    ${base}/demo   (paste the demo key; connect, pay, watch webhooks)`] : []),
  ];
  if (demo) {
    lines.push(
      '',
      '  A demo merchant was created. Its API key is shown this once; keep it:',
      `    ${demo.key}`,
      '',
      '  Try it:',
      `    curl -H "Authorization: Bearer ${demo.key}" ${base}/v1/merchants/me`,
    );
  }
  return lines.join('\n') + '\n\n';
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`gatehouse: ${err.message}\n`);
    process.exit(1);
  }
  const log = pino({ level: config.logLevel, base: { context: 'Bootstrap' } });

  let database: DatabaseHandle;
  try {
    database = await openDatabase(config, (level, message) => log[level](message));
  } catch (err) {
    log.fatal({ err }, 'the database could not be started');
    process.exit(1);
  }

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return process.exit(1); // a second Ctrl-C means now
    stopping = true;
    log.info({ signal }, 'shutting down: finishing open requests');
    const force = setTimeout(() => {
      log.error('shutdown grace period over; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    await gatehouse?.app.close().catch((err: unknown) => log.error({ err }, 'error while closing the app'));
    await database.close().catch((err: unknown) => log.error({ err }, 'error while stopping the embedded Postgres'));
    log.info('stopped');
    process.exit(0);
  };
  let gatehouse: Awaited<ReturnType<typeof createGatehouseApp>> | undefined;
  process.on('SIGINT', (s) => void stop(s));
  process.on('SIGTERM', (s) => void stop(s));

  try {
    gatehouse = await createGatehouseApp(config, database.url);
    await gatehouse.app.listen(config.port, config.host);
  } catch (err) {
    log.fatal({ err }, 'Gatehouse could not start');
    await database.close().catch(() => undefined);
    process.exit(1);
  }
  log.info({ port: config.port, mode: config.mode }, 'ready');
  process.stdout.write(banner(config, gatehouse.demo));
}

await main();
