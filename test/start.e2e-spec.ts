import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('npm start on a fresh machine (embedded Postgres)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
  let env: Record<string, string>;
  let base: string;
  let demoKey: string;

  beforeAll(async () => {
    const port = await freePort();
    env = { DATA_DIR: join(dir, '.data'), PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()), HOST: '127.0.0.1' };
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
    // The banner shows the key; no log line may.
    const logLines = app.output().split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(3);
    expect(logLines.filter((l) => l.includes(demoKey.slice(21)))).toEqual([]);

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
