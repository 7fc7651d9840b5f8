import { constants, generateKeyPair, privateDecrypt, publicEncrypt, randomUUID, sign, type KeyObject } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { loadRsaKey, toPem } from '../src/crypto/key-loader.js';
import { createPacoOpenContext, createPacoSealContext, PacoJoseService } from '../src/crypto/paco-jose.service.js';
import { PayseraMacService } from '../src/crypto/paysera-mac.service.js';
import { InMemoryReplayStore } from '../src/crypto/replay.store.js';

/*
 * Crypto benchmark: PACO seal+open round trips per second (sequential and concurrent) next to
 * the same run's raw node:crypto RSA-4096 private-operation rate, plus Paysera MAC sign/verify.
 * A seal+open round trip costs two RSA private operations (PS256 sign, RSA-OAEP decrypt), so the
 * ceiling is raw private ops/s / 2; the target is 85% of that ceiling.
 */

export interface CryptoBenchOptions {
  /** Duration of each timed phase. */
  phaseMs?: number;
  /** Round trips kept in flight in the concurrent phase. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface CryptoBenchResult {
  node: string;
  cores: number;
  phaseMs: number;
  concurrency: number;
  raw: { sequentialPrivateOpsPerSec: number; concurrentPrivateOpsPerSec: number };
  paco: {
    sequentialRoundTripsPerSec: number;
    concurrentRoundTripsPerSec: number;
    sequentialCeiling: number;
    concurrentCeiling: number;
    sequentialRatio: number;
    concurrentRatio: number;
  };
  mac: { signPerSec: number; verifyPerSec: number };
  target: number;
  meetsTarget: { sequential: boolean; concurrent: boolean };
}

const TARGET = 0.85;
const generate = promisify(generateKeyPair);

/** One private op of each kind, alternating: the same work a round trip does, in raw node:crypto. */
function rawPair(privateKey: KeyObject, wrapped: Buffer): void {
  sign('sha256', WRAPPED_INPUT, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrapped);
}
const WRAPPED_INPUT = Buffer.alloc(32, 1);

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPrivateKey, sign, privateDecrypt, constants } = require('node:crypto');
const key = createPrivateKey(workerData.pem);
const wrapped = Buffer.from(workerData.wrapped, 'base64');
const input = Buffer.alloc(32, 1);
parentPort.on('message', (ms) => {
  let ops = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    sign('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrapped);
    ops += 2;
  }
  parentPort.postMessage(ops);
});
`;

/** One worker thread per core running raw private operations: what the machine can do at most. */
class RawWorkers {
  private readonly workers: Worker[];

  constructor(pem: string, wrapped: Buffer, threads: number) {
    this.workers = Array.from({ length: threads }, () => new Worker(WORKER_SOURCE, { eval: true, workerData: { pem, wrapped: wrapped.toString('base64') } }));
  }

  /** Private ops over all threads during `ms`. */
  async run(ms: number): Promise<number> {
    const counts = await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<number>((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
            worker.postMessage(ms);
          }),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  close(): Promise<number[]> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Counts completed operations for `ms`, keeping `inFlight` of them running. */
async function count(ms: number, inFlight: number, operation: () => Promise<unknown> | unknown): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await operation();
        done++;
      }
    }),
  );
  return done;
}

export async function runCryptoBench(options: CryptoBenchOptions = {}): Promise<CryptoBenchResult> {
  const phaseMs = options.phaseMs ?? 3000;
  const cores = availableParallelism();
  const concurrency = options.concurrency ?? cores * 4;
  const log = options.log ?? (() => undefined);

  log(`generating 4 RSA-4096 key pairs...`);
  const [merchantSig, merchantEnc, pacoSig, pacoEnc] = await Promise.all([0, 1, 2, 3].map(() => generate('rsa', { modulusLength: 4096 })));

  const wrapped = publicEncrypt({ key: merchantSig.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.alloc(16, 2));
  const rawWorkers = new RawWorkers(toPem(merchantSig.privateKey), wrapped, cores);

  const service = new PacoJoseService();
  const seal = createPacoSealContext({
    signingKey: loadRsaKey(toPem(merchantSig.privateKey), 'sign'),
    encryptionKey: loadRsaKey(toPem(pacoEnc.publicKey), 'encrypt'),
    kid: '0123456789abcdef0123456789abcdef',
  });
  const open = createPacoOpenContext({
    direction: 'request',
    decryptionKey: loadRsaKey(toPem(pacoEnc.privateKey), 'decrypt'),
    verificationKey: loadRsaKey(toPem(merchantSig.publicKey), 'verify'),
    issuer: 'merchant-token',
    replay: { store: new InMemoryReplayStore(), namespace: 'bench' },
  });
  void merchantEnc;
  void pacoSig;
  const roundTrip = async () => {
    const body = { apiRequest: { requestMessageID: randomUUID(), requestDateTime: new Date().toISOString(), language: 'en-US' }, officeId: 'DEMOOFFICE', orderNo: 'ORD-1' };
    const token = await service.sealRequest(body, seal, { token: 'merchant-token' });
    await service.open(token, open);
  };

  // Warm-up, then the four measurements interleaved in short slices, so that noise from other
  // work on the machine hits the raw rate and the PACO rate alike.
  for (let i = 0; i < 20; i++) rawPair(merchantSig.privateKey, wrapped);
  for (let i = 0; i < 20; i++) await roundTrip();
  await rawWorkers.run(200);
  const rounds = 6;
  const slice = phaseMs / rounds;
  const totals = { rawSeq: 0, rawConc: 0, pacoSeq: 0, pacoConc: 0 };
  const elapsed = { rawSeq: 0, rawConc: 0, pacoSeq: 0, pacoConc: 0 };
  const timed = async (name: keyof typeof totals, fn: () => Promise<number>) => {
    const start = performance.now();
    totals[name] += await fn();
    elapsed[name] += (performance.now() - start) / 1000;
  };
  log(`interleaving raw RSA and PACO round trips: ${rounds} rounds of ${slice.toFixed(0)} ms each...`);
  for (let round = 0; round < rounds; round++) {
    await timed('rawSeq', async () => 2 * (await count(slice, 1, () => rawPair(merchantSig.privateKey, wrapped))));
    await timed('pacoSeq', () => count(slice, 1, roundTrip));
    await timed('rawConc', () => rawWorkers.run(slice));
    await timed('pacoConc', () => count(slice, concurrency, roundTrip));
  }
  await rawWorkers.close();
  const rawSequential = totals.rawSeq / elapsed.rawSeq;
  const rawParallel = totals.rawConc / elapsed.rawConc;
  const pacoSequential = totals.pacoSeq / elapsed.pacoSeq;
  const pacoConcurrent = totals.pacoConc / elapsed.pacoConc;

  log('Paysera MAC sign / verify...');
  const macService = new PayseraMacService({ replayStore: new InMemoryReplayStore({ maxEntries: 5_000_000 }) });
  const credentials = { macId: 'wkVd93h2uS', macKey: 'IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU' };
  const body = JSON.stringify({ payments: [{ description: 'Test', price_decimal: '1.00', currency: 'EUR' }] });
  const url = 'https://wallet.paysera.com/rest/v1/transaction';
  const macMs = Math.min(phaseMs, 1000);
  const macSign = (await count(macMs, 1, () => macService.sign({ method: 'POST', url, body }, credentials))) / (macMs / 1000);
  const macVerify = (await count(macMs, 1, () => {
    const signed = macService.sign({ method: 'POST', url, body }, credentials);
    return macService.verify(
      { method: 'POST', requestUri: '/rest/v1/transaction', host: 'wallet.paysera.com', port: 443, body, authorization: signed.authorization },
      () => ({ macKey: credentials.macKey }),
    );
  })) / (macMs / 1000);

  const sequentialCeiling = rawSequential / 2;
  const concurrentCeiling = rawParallel / 2;
  const result: CryptoBenchResult = {
    node: process.version,
    cores,
    phaseMs,
    concurrency,
    raw: { sequentialPrivateOpsPerSec: round(rawSequential), concurrentPrivateOpsPerSec: round(rawParallel) },
    paco: {
      sequentialRoundTripsPerSec: round(pacoSequential),
      concurrentRoundTripsPerSec: round(pacoConcurrent),
      sequentialCeiling: round(sequentialCeiling),
      concurrentCeiling: round(concurrentCeiling),
      sequentialRatio: round(pacoSequential / sequentialCeiling, 3),
      concurrentRatio: round(pacoConcurrent / concurrentCeiling, 3),
    },
    // "verify" includes signing the request it verifies, as an emulator test would.
    mac: { signPerSec: round(macSign), verifyPerSec: round(macVerify) },
    target: TARGET,
    meetsTarget: {
      sequential: pacoSequential / sequentialCeiling >= TARGET,
      concurrent: pacoConcurrent / concurrentCeiling >= TARGET,
    },
  };
  return result;
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function formatCryptoBench(r: CryptoBenchResult): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const rows: Array<[string, string, string]> = [
    ['raw RSA-4096 private ops/s (node:crypto)', String(r.raw.sequentialPrivateOpsPerSec), String(r.raw.concurrentPrivateOpsPerSec)],
    ['ceiling: round trips/s (= raw / 2)', String(r.paco.sequentialCeiling), String(r.paco.concurrentCeiling)],
    ['PACO seal+open round trips/s', String(r.paco.sequentialRoundTripsPerSec), String(r.paco.concurrentRoundTripsPerSec)],
    ['share of ceiling (target 85%)', `${pct(r.paco.sequentialRatio)} ${r.meetsTarget.sequential ? 'ok' : 'BELOW'}`, `${pct(r.paco.concurrentRatio)} ${r.meetsTarget.concurrent ? 'ok' : 'BELOW'}`],
    ['Paysera MAC sign/s', String(r.mac.signPerSec), '-'],
    ['Paysera MAC verify/s (incl. signing the request)', String(r.mac.verifyPerSec), '-'],
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length), ['measure', 'sequential', `concurrent`][i].length));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    `Node ${r.node}, ${r.cores} cores, ${r.phaseMs} ms per measure (interleaved), concurrent = ${r.concurrency} round trips in flight / ${r.cores} worker threads for raw`,
    line(['measure', 'sequential', 'concurrent']),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

function isEntryPoint(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  runCryptoBench({ log: (line) => process.stderr.write(`${line}\n`) }).then(
    (result) => process.stdout.write(`${formatCryptoBench(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`crypto bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
