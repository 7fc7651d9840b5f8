import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { TokenCipher } from '../src/crypto/token-cipher.service.js';
import { freePort } from './setup/global-setup.mjs';

// Runs the built entry point exactly as `npm start` does, on a fresh embedded Postgres.
const MAIN = join(process.cwd(), 'dist', 'src', 'main.js');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

function start(env: Record<string, string>): Started {
  let out = '';
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (running.delete(child), resolve(code))));
  return { child, output: () => out, exited };
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 45_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function postgresRunningFor(dataDir: string): boolean {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Consent (scripted approval at the emulator) + one charge; returns the secrets that went by. */
async function connectAndCharge(base: string, key: string, env: Record<string, string>) {
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const publicBase = base.replace('127.0.0.1', 'localhost');
  const consent = (await (
    await fetch(`${base}/v1/consents`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ provider: 'paga', psuReference: 'me', scopes: ['MERCHANT_PAYMENT'], returnUrl: `${publicBase}/sandbox/return` }),
    })
  ).json()) as { id: string; authorizationUrl: string };
  await fetch(`${base}/sandbox/paga/__control/next-decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'approve' }) });
  const toPaga = new URL((await fetch(consent.authorizationUrl, { redirect: 'manual' })).headers.get('location')!);
  const toUs = new URL((await fetch(toPaga, { redirect: 'manual' })).headers.get('location')!);
  const back = await fetch(toUs, { redirect: 'manual' });
  expect(new URL(back.headers.get('location')!).searchParams.get('status')).toBe('valid');
  const charge = await fetch(`${base}/v1/paga/consents/${consent.id}/payments`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ reference: 'start-1', amount: { value: 100, currency: 'NGN' }, customerReference: 'me' }),
  });
  expect(((await charge.json()) as { status: string }).status).toBe('succeeded');

  // Read the stored tokens as only Gatehouse can: from its database, with its sandbox key.
  const password = readFileSync(join(env.DATA_DIR, 'postgres.password'), 'utf8').trim();
  const client = new pg.Client({ connectionString: `postgres://gatehouse:${encodeURIComponent(password)}@127.0.0.1:${env.EMBEDDED_PG_PORT}/gatehouse` });
  await client.connect();
  const { rows } = await client.query('SELECT merchant_id, access_token, refresh_token FROM tokens WHERE consent_id = $1', [consent.id]);
  await client.end();
  const cipher = TokenCipher.fromConfig({ isSandbox: true, dataDir: env.DATA_DIR, tokenEncryptionKeys: undefined });
  const aad = (column: string) => ({ merchantId: rows[0].merchant_id, consentId: consent.id, column });
  return {
    accessToken: cipher.decrypt(rows[0].access_token, aad('access_token')),
    refreshToken: cipher.decrypt(rows[0].refresh_token, aad('refresh_token')),
    code: toUs.searchParams.get('code')!,
    state: toUs.searchParams.get('state')!,
  };
}

describe('npm start on a fresh machine (embedded Postgres)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
  let env: Record<string, string>;
  let base: string;
  let demoKey: string;

  beforeAll(async () => {
    const port = await freePort();
    env = { DATA_DIR: join(dir, '.data'), PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'debug' };
    base = `http://127.0.0.1:${port}`;
  });
  // A failed test must not leave its server behind for the next one.
  afterEach(async () => {
    for (const child of running) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ready = async () => (await fetch(`${base}/health/ready`)).status === 200;
  const me = (key: string) => fetch(`${base}/v1/merchants/me`, { headers: { authorization: `Bearer ${key}` } });

  it('first start: creates the database, prints the demo key once, serves docs and the API', async () => {
    const app = start(env);
    await waitFor(() => /Bearer (gh_test_[A-Za-z0-9_-]+)/.test(app.output()), 'the demo key');
    demoKey = /Bearer (gh_test_[A-Za-z0-9_-]+)/.exec(app.output())![1];
    expect(await ready()).toBe(true);
    const merchant = await (await me(demoKey)).json();
    expect(merchant).toMatchObject({ isDemo: true, allowedReturnUrls: [`${base.replace('127.0.0.1', 'localhost')}/sandbox/return`] });
    expect((await fetch(`${base}/docs`)).status).toBe(200);
    expect((await fetch(`${base}/docs-json`)).status).toBe(200);
    // A whole Paga consent and a charge through the running process, to have secrets to look for.
    const secrets = await connectAndCharge(base, demoKey, env);
    expect(secrets.accessToken).toMatch(/^[0-9a-f-]{36}$/);

    // The banner shows the key; no log line may, nor any token, code or state.
    const logLines = app.output().split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(10);
    for (const secret of [demoKey.slice(21), secrets.accessToken, secrets.refreshToken, secrets.code, secrets.state]) {
      expect({ secret: secret.slice(0, 6), lines: logLines.filter((l) => l.includes(secret)) }).toEqual({ secret: secret.slice(0, 6), lines: [] });
    }

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain('"msg":"stopped"');
    expect(postgresRunningFor(join(env.DATA_DIR, 'postgres'))).toBe(false);
  });

  it('second start: reuses the data; no new demo key, the old one still works', async () => {
    const app = start(env);
    const t0 = Date.now();
    await waitFor(ready, 'readiness');
    const readyMs = Date.now() - t0;
    expect(app.output()).not.toContain('A demo merchant was created');
    expect((await me(demoKey)).status).toBe(200);
    process.stdout.write(`second start ready after ${readyMs} ms\n`);
    app.child.kill('SIGINT');
    expect(await app.exited).toBe(0);
  });

  it('after a crash: adopts the Postgres left running, then stops it cleanly', async () => {
    const crashed = start(env);
    await waitFor(ready, 'readiness');
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    expect(postgresRunningFor(join(env.DATA_DIR, 'postgres'))).toBe(true);

    const app = start(env);
    await waitFor(ready, 'readiness after the crash');
    expect(app.output()).toContain('adopting the embedded Postgres');
    expect((await me(demoKey)).status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(postgresRunningFor(join(env.DATA_DIR, 'postgres'))).toBe(false);
  });

  it('with a stale postmaster.pid naming a live process that is not Postgres: removes it and starts', async () => {
    const pgData = join(env.DATA_DIR, 'postgres');
    // This test process is alive and is not a postmaster: the classic pid-reuse trap.
    writeFileSync(join(pgData, 'postmaster.pid'), `${process.pid}\n${pgData}\n0\n${env.EMBEDDED_PG_PORT}\n\n127.0.0.1\n0 0\nready\n`);
    const app = start(env);
    await waitFor(ready, 'readiness with a stale pid file');
    expect(app.output()).toContain('removing a stale postmaster.pid');
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('refuses to boot with a bad variable, naming it', async () => {
    const app = start({ ...env, PORT: 'eighty' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/Invalid configuration:\n\s+- PORT: .*"eighty"/);
    expect(app.output()).not.toMatch(/\bat .+\.js:\d+/);
  });
});
