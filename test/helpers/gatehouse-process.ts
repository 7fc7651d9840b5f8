import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

// The built entry point, exactly as `npm start` runs it (npm test builds first).
const MAIN = join(process.cwd(), 'dist', 'src', 'main.js');

export interface GatehouseProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<PORT>`: where this process listens (not necessarily its PUBLIC_BASE_URL). */
  baseUrl: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its JSON log lines so far (the banner and anything else are left out). */
  logLines(): string[];
  exited: Promise<number | null>;
  /** SIGTERM (graceful) and the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<GatehouseProcess>();

/**
 * Spawns `dist/src/main.js` with only PATH and `env` in its environment and waits until
 * `/health/ready` answers 200 (or the process exits, which throws with its output).
 */
export async function startGatehouseProcess(env: Record<string, string>, readyWithinMs = 45_000): Promise<GatehouseProcess> {
  if (!env.PORT) throw new Error('startGatehouseProcess needs a PORT');
  let out = '';
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => ((exitCode = code), resolve(code))));
  const baseUrl = `http://127.0.0.1:${env.PORT}`;
  const proc: GatehouseProcess = {
    child,
    baseUrl,
    output: () => out,
    logLines: () => out.split('\n').filter((l) => l.startsWith('{')),
    exited,
    async stop(signal = 'SIGTERM') {
      if (exitCode === undefined) child.kill(signal);
      const code = await exited;
      running.delete(proc);
      return code;
    },
  };
  running.add(proc);
  const until = Date.now() + readyWithinMs;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`Gatehouse exited (${exitCode}) before it was ready:\n${out}`);
    const ready = await fetch(`${baseUrl}/health/ready`).then((r) => r.status === 200, () => false);
    if (ready) return proc;
    if (Date.now() > until) {
      await proc.stop('SIGKILL');
      throw new Error(`Gatehouse was not ready within ${readyWithinMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** For afterAll: stops whatever a failed test left running. */
export async function stopAllGatehouseProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}
