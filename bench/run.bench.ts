// `npm run bench`: Gatehouse's HTTP scenarios next to a bare baseline measured in the same run, the
// PACO/MAC crypto figures next to raw node:crypto, cold start and memory; writes docs/benchmarks.md.
// Everything runs on loopback, bounded in time. Figures are medians of alternating runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { EmbeddedPostgresServer } from '../src/database/embedded-postgres.server.js';
import { MOMO_SANDBOX_SUBSCRIPTION_KEYS } from '../src/sandbox/sandbox-accounts.js';
import { formatCryptoBench, runCryptoBench } from './crypto.bench.js';
import { runMacCallBench } from './mac-call.bench.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 16;
const ADMIN = `bench-admin-${randomUUID()}`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Proc {
  child: ChildProcess;
  startedMs: number;
}

// How `npm start` runs Node (its environment variables and flags), read from package.json so that
// the bench measures what users run.
const START: { env: Record<string, string>; flags: string[] } = (() => {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const match = /((?:[A-Z_]+=\S+ )*)node((?: --[\w-]+(?:=\S+)?)*) dist\/src\/main\.js/.exec(script);
  if (!match) throw new Error(`cannot read how the start script runs node: ${script}`);
  const env = Object.fromEntries(match[1]!.trim().split(/\s+/).filter(Boolean).map((pair) => pair.split('=', 2) as [string, string]));
  return { env, flags: match[2]!.trim().split(/\s+/).filter(Boolean) };
})();
const START_COMMAND = [...Object.entries(START.env).map(([k, v]) => `${k}=${v}`), 'node', ...START.flags].join(' ');

function run(script: string, env: Record<string, string>): Proc {
  const start = script === 'dist/src/main.js' ? START : { env: {}, flags: [] };
  const child = spawn(process.execPath, [...start.flags, join(ROOT, script)], { env: { PATH: process.env.PATH ?? '', ...start.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return { child, startedMs: performance.now() };
}

async function waitReady(url: string, limitMs = 60_000): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < limitMs) {
    if (await fetch(url).then((r) => r.status === 200, () => false)) return performance.now() - t0;
    await sleep(25);
  }
  throw new Error(`not ready: ${url}`);
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null) return;
  p.child.kill('SIGTERM');
  await new Promise((r) => p.child.once('exit', r));
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Math.round(Number(line.replace(/\D+/g, '')) / 1024) : 0;
}

async function load(url: string, request: autocannon.Request, pid?: number): Promise<{ rps: number; p99: number; errors: number; rssMaxMb: number }> {
  let rssMaxMb = 0;
  const timer = pid ? setInterval(() => (rssMaxMb = Math.max(rssMaxMb, rssMb(pid))), 200) : undefined;
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, requests: [request] });
  if (timer) clearInterval(timer);
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx, rssMaxMb };
}

interface Scenario {
  name: string;
  /** Work this scenario leaves behind (MoMo's callbacks, their verification): waited for after each run. */
  drains?: boolean;
  gatehouse: autocannon.Request;
  baseline: autocannon.Request;
  target: number;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const pgServer = new EmbeddedPostgresServer({ dataDir: join(work, 'pg'), port: await freePort(), database: 'bench', settings: { fsync: 'off', synchronous_commit: 'off' } });
  const databaseUrl = await pgServer.start();
  const lines: string[] = [];
  const procs: Proc[] = [];
  try {
    // Cold start of the real entry point with its embedded Postgres: first start, then a restart.
    const coldPort = await freePort();
    const coldEnv = { DATA_DIR: join(work, 'cold'), PORT: String(coldPort), EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn', HOST: '127.0.0.1' };
    const cold: number[] = [];
    for (let i = 0; i < 2; i++) {
      const p = run('dist/src/main.js', coldEnv);
      cold.push(await waitReady(`http://127.0.0.1:${coldPort}/health/ready`));
      await stop(p);
    }

    // The MoMo emulator runs in a process of its own (a second sandbox Gatehouse), so that neither
    // the Gatehouse under test nor the baseline does the provider's work on its own cores.
    const providerPort = await freePort();
    // Its own database: it is another party, with its own keys and state.
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE provider');
    await admin.end();
    const providerDb = new URL(databaseUrl);
    providerDb.pathname = '/provider';
    const provider = run('dist/src/main.js', { DATABASE_URL: providerDb.toString(), PORT: String(providerPort), PUBLIC_BASE_URL: `http://127.0.0.1:${providerPort}`, LOG_LEVEL: 'warn', HOST: '127.0.0.1', DATA_DIR: join(work, 'provider'), DEMO_MERCHANT: 'false' });
    procs.push(provider);
    await waitReady(`http://127.0.0.1:${providerPort}/health/ready`);
    const momoUrl = `http://127.0.0.1:${providerPort}/sandbox/momo`;

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const gatehouse = run('dist/src/main.js', {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      PUBLIC_BASE_URL: base,
      ADMIN_TOKEN: ADMIN,
      // Throughput is measured here, not the limits: one merchant and one wallet send thousands a second.
      RATE_LIMIT_RPS: '0',
      VELOCITY_MAX_PAYMENTS_PER_HOUR: '0',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DATA_DIR: join(work, 'data'),
      DEMO_MERCHANT: 'false',
      MOMO_BASE_URL: momoUrl,
      MOMO_COLLECTION_SUBSCRIPTION_KEY: MOMO_SANDBOX_SUBSCRIPTION_KEYS.collection.primary,
      MOMO_DISBURSEMENT_SUBSCRIPTION_KEY: MOMO_SANDBOX_SUBSCRIPTION_KEYS.disbursement.primary,
      // The PACO emulator of the provider process. A merchant of its own there: in sandbox mode
      // Gatehouse generates its keys and registers its token, office and public keys with it.
      PACO_BASE_URL: `http://127.0.0.1:${providerPort}/sandbox/paco`,
      PACO_TOKEN: randomBytes(16).toString('hex'),
      PACO_OFFICE_ID: 'BENCH01',
    });
    procs.push(gatehouse);
    await waitReady(`${base}/health/ready`);
    const adminAuth = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    const merchant = (await (await fetch(`${base}/admin/merchants`, { method: 'POST', headers: adminAuth, body: JSON.stringify({ name: 'Bench', allowedReturnUrls: [`${base}/sandbox/return`] }) })).json()) as { id: string };
    const { key } = (await (await fetch(`${base}/admin/merchants/${merchant.id}/api-keys`, { method: 'POST', headers: adminAuth, body: JSON.stringify({ scopes: ['consents', 'payments', 'read'] }) })).json()) as { key: string };
    const idleRss = rssMb(gatehouse.child.pid!);

    const basePort = await freePort();
    const baseline = run('dist/bench/baseline.server.js', { DATABASE_URL: databaseUrl, PORT: String(basePort), MOMO_URL: momoUrl, MOMO_KEY: MOMO_SANDBOX_SUBSCRIPTION_KEYS.collection.primary });
    procs.push(baseline);
    await waitReady(`http://127.0.0.1:${basePort}/select`);

    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const unique = (make: () => object) => (req: autocannon.Request) => ({ ...req, body: JSON.stringify(make()) });
    const scenarios: Scenario[] = [
      { name: 'merchant API: auth + one read (GET /v1/merchants/me)', gatehouse: { method: 'GET', path: '/v1/merchants/me', headers: auth }, baseline: { method: 'GET', path: '/select' }, target: 0.7 },
      {
        name: 'consent creation (POST /v1/consents)',
        gatehouse: { method: 'POST', path: '/v1/consents', headers: auth, setupRequest: unique(() => ({ provider: 'paga', psuReference: randomUUID(), scopes: ['MERCHANT_PAYMENT'], returnUrl: `${base}/sandbox/return` })) },
        baseline: { method: 'POST', path: '/insert', headers: { 'content-type': 'application/json' }, setupRequest: unique(() => ({ reference: randomUUID() })) },
        target: 0.7,
      },
      {
        name: 'MoMo collection (POST /v1/momo/collections)',
        gatehouse: { method: 'POST', path: '/v1/momo/collections', headers: auth, setupRequest: unique(() => ({ reference: randomUUID(), amount: { value: 1250, currency: 'EUR' }, payer: { msisdn: '46733999001' } })) },
        baseline: { method: 'POST', path: '/insert-and-post', headers: { 'content-type': 'application/json' }, setupRequest: unique(() => ({ reference: randomUUID() })) },
        target: 0.7,
        drains: true,
      },
    ];

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    // Until every collection of the run is final (its callback came and was verified), so that the
    // next run, Gatehouse's or the baseline's, shares the cores with nothing left over.
    const drain = async (): Promise<number> => {
      const t0 = performance.now();
      while (performance.now() - t0 < 120_000) {
        const [{ n }] = (await client.query(`SELECT count(*)::int AS n FROM payments WHERE status = 'pending'`)).rows as { n: number }[];
        if (n === 0) return performance.now() - t0;
        await sleep(100);
      }
      throw new Error('collections still pending after 120 s');
    };
    const drains: string[] = [];

    const rows: string[] = [];
    let rssMax = idleRss;
    const rssBy: string[] = [];
    for (const s of scenarios) {
      let rssScenario = 0;
      const g: number[] = [];
      const b: number[] = [];
      let errors = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const rb = await load(`http://127.0.0.1:${basePort}`, s.baseline);
        // A baseline that fails requests answers faster than one doing the work: not a baseline.
        if (rb.errors) throw new Error(`${s.name}: the baseline had ${rb.errors} non-2xx answers or errors`);
        const rg = await load(base, s.gatehouse, gatehouse.child.pid);
        b.push(rb.rps);
        g.push(rg.rps);
        errors += rg.errors;
        rssMax = Math.max(rssMax, rg.rssMaxMb);
        rssScenario = Math.max(rssScenario, rg.rssMaxMb);
        if (s.drains) drains.push(`${((await drain()) / 1000).toFixed(1)} s`);
      }
      rssBy.push(`${s.name.split(' (')[0]}: ${rssScenario} MB`);
      const ratio = median(g) / median(b);
      rows.push(`| ${s.name} | ${median(g).toFixed(0)} | ${median(b).toFixed(0)} | ${(ratio * 100).toFixed(0)}% | ${(s.target * 100).toFixed(0)}% | ${ratio >= s.target ? 'met' : 'not met'} | ${errors} |`);
      process.stderr.write(`${s.name}: ${median(g).toFixed(0)} vs ${median(b).toFixed(0)} req/s\n`);
    }
    await client.end();

    // A PACO card payment (nonUi, approved) through Gatehouse: the ledger row, the request sealed
    // (PS256 + RSA-OAEP), the emulator's answer opened, the payment settled; the emulator's backend
    // notification comes back to Gatehouse and is opened too. No baseline: it is compared with the
    // same run's pure seal+open round-trip rate below.
    const pacoPayment = () => ({ orderNo: randomUUID(), amount: { value: 1050, currency: 'THB' }, description: 'Bench', card: { number: '4111111111111111', expiryMMYY: '1239', cvv: '123' } });
    const warm = await fetch(`${base}/v1/paco/payments/direct`, { method: 'POST', headers: auth, body: JSON.stringify(pacoPayment()), signal: AbortSignal.timeout(60_000) });
    const warmBody = (await warm.json()) as { status?: string };
    if (warmBody.status !== 'succeeded') throw new Error(`PACO warm-up payment: ${warm.status} ${JSON.stringify(warmBody)}`);
    const paco: Array<{ rps: number; p99: number; errors: number; rssMaxMb: number }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const r = await load(base, { method: 'POST', path: '/v1/paco/payments/direct', headers: auth, setupRequest: unique(pacoPayment) }, gatehouse.child.pid);
      paco.push(r);
      rssMax = Math.max(rssMax, r.rssMaxMb);
    }
    rssBy.push(`PACO payments (RSA on two worker threads): ${Math.max(...paco.map((r) => r.rssMaxMb))} MB`);
    const pacoRps = median(paco.map((r) => r.rps));
    const pacoP99 = median(paco.map((r) => r.p99));
    const pacoErrors = paco.reduce((sum, r) => sum + r.errors, 0);
    process.stderr.write(`PACO payment through Gatehouse: ${pacoRps.toFixed(0)} req/s (p99 ${pacoP99} ms)\n`);

    for (const p of procs) await stop(p);
    procs.length = 0;

    const macCall = await runMacCallBench();
    const macRatio = macCall.gatehouse.ratio;
    process.stderr.write(`Paysera call signed vs unsigned: ${macCall.gatehouse.signedPerSec.toFixed(0)} vs ${macCall.gatehouse.unsignedPerSec.toFixed(0)} req/s (bare client: ${macCall.bare.signedPerSec.toFixed(0)} vs ${macCall.bare.unsignedPerSec.toFixed(0)})\n`);
    const crypto = await runCryptoBench({ phaseMs: 3_000, log: (l) => process.stderr.write(l + '\n') });

    const versions = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages as Record<string, { version: string }>;
    const v = (name: string) => versions[`node_modules/${name}`]?.version ?? '?';
    lines.push(
      '# Benchmarks',
      '',
      `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, NestJS ${v('@nestjs/core')}, TypeORM ${v('typeorm')}, Postgres 18 (embedded, fsync off), autocannon ${v('autocannon')} with ${CONNECTIONS} connections, ${DURATION_S} s per run, median of ${ROUNDS} alternating runs. The load generator, Gatehouse, the baseline and Postgres share the machine's cores, so absolute figures are modest; the ratios are the point.`,
      '',
      '## HTTP scenarios against a same-run baseline',
      '',
      'Baseline: a bare Nest + Express app (no auth, validation, logging or error mapping) doing the same database and upstream work: one select; one insert; one insert plus one POST to the MoMo emulator. Gatehouse does more per request by design: API-key auth, validation, a transaction for a consent (PSU, consent, history), and for a collection the payment row committed before the call (with its status-history entry and its webhook outbox event, in one statement), the call, and MoMo’s answer recorded with the payment’s first status check (in one statement); each callback is then verified by a status read and settles the payment (with its history entry and webhook event). The MoMo emulator runs in a separate process for both. Hot statements are prepared once per connection.',
      '',
      '| scenario | Gatehouse req/s | baseline req/s | ratio | target | | non-2xx/errors |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `After each MoMo run the bench waits until every collection of the run is final (the emulator's callback arrived and Gatehouse verified it by reading the status), so that no run shares the cores with the one before it: ${drains.join(', ')} after the ${ROUNDS} runs. That verification (a status read per callback) is work the baseline does not do.`,
      '',
      "One shared MoMo token serves every collection (200 concurrent collections on a cold cache make exactly one token request: asserted in `test/momo.e2e-spec.ts`, not here).",
      '',
      '## Start and memory',
      '',
      `| cold start of \`node dist/src/main.js\` to /health/ready | first start (initdb + migrations) | restart |`,
      '|---|---|---|',
      `| embedded Postgres | ${(cold[0]! / 1000).toFixed(2)} s | ${(cold[1]! / 1000).toFixed(2)} s |`,
      '',
      `RSS of the Gatehouse process under test (started as \`npm start\` does, \`${START_COMMAND}\`): ${idleRss} MB idle, ${rssMax} MB at most under load (target: under 300 MB). The emulators it calls run in another process; the under-test process still mounts (idle) emulators, being in sandbox mode. At most, by scenario: ${rssBy.join('; ')}.`,
      '',
      '## Paysera: a signed call next to the same call unsigned',
      '',
      'The same JSON POST to a local server over keep-alive connections (16 in flight), in nine short back-to-back pairs (a ratio is the median of the pairs’ ratios), once with the MAC `Authorization` header computed per request by `PayseraMacService` (ts, nonce, SHA-256 body hash, HMAC-SHA256 over the normalized request) and once without. The target is about the call as Gatehouse makes it (as `PayseraClient` does: the JSON body signed as bytes, sent through `ProviderHttp`, i.e. fetch with a timeout and the circuit breaker, the answer read as JSON); the bare `node:http` client below is the cheapest call there is, where signing weighs the most. Target: signing costs under 10%.',
      '',
      '| call | unsigned req/s | MAC-signed req/s | ratio | target |',
      '|---|---|---|---|---|',
      `| as Gatehouse makes it (ProviderHttp over fetch) | ${macCall.gatehouse.unsignedPerSec.toFixed(0)} | ${macCall.gatehouse.signedPerSec.toFixed(0)} | ${(macRatio * 100).toFixed(1)}% | 90% ${macRatio >= 0.9 ? 'met' : 'not met'} |`,
      `| bare node:http client | ${macCall.bare.unsignedPerSec.toFixed(0)} | ${macCall.bare.signedPerSec.toFixed(0)} | ${(macCall.bare.ratio * 100).toFixed(1)}% | |`,
      '',
      '## PACO payment through Gatehouse (emulator in a second process)',
      '',
      '| measure | per second | |',
      '|---|---|---|',
      `| PACO card payment through Gatehouse (\`POST /v1/paco/payments/direct\`, approved) | ${pacoRps.toFixed(0)} | p99 ${pacoP99} ms, ${pacoErrors} non-2xx/errors |`,
      `| pure PACO seal+open round trips, same run (concurrent, crypto section below) | ${crypto.paco.concurrentRoundTripsPerSec} | |`,
      `| payments per pure round trip | ${(pacoRps / crypto.paco.concurrentRoundTripsPerSec).toFixed(2)} | |`,
      '',
      "Per payment Gatehouse does three RSA-4096 private operations (signs the request, decrypts the answer, decrypts the backend notification) and the emulator three more (decrypts the request, signs the answer and the notification), on the same two cores, plus the ledger row and the paco_orders row; a pure round trip is two. The emulator runs in a separate sandbox process with its own keys; Gatehouse generated its own and registered them with it, as in sandbox mode. So on one machine the most a payment can reach is 2/6 ≈ 0.33 of the pure round-trip rate (the emulator's RSA work is on the same cores); the 85% target can only be approached with PACO on other hardware, where Gatehouse's own share (three private operations against two) bounds it at about 0.67.",
      '',
      '## Crypto (PACO JOSE, Paysera MAC)',
      '',
      '```',
      formatCryptoBench(crypto),
      '```',
      '',
      'A PACO seal+open round trip costs two RSA-4096 private operations (PS256 sign, RSA-OAEP decrypt); the ceiling is the raw private-op rate / 2, measured in the same run, and the target is 85% of it. Private-key operations run on worker threads so the event loop is never blocked for their ~1.5 ms; that hand-off is what costs the sequential figure.',
      '',
    );
    writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), lines.join('\n'));
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    for (const p of procs) await stop(p);
    await pgServer.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
