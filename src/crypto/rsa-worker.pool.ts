import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/*
 * RSA private-key operations (JWS signing, RSA-OAEP unwrapping) on a small pool of worker threads,
 * each holding its own imported copy of every private key it has used.
 *
 * Why: Node runs WebCrypto RSA jobs on the libuv pool against one shared key, where RSA-OAEP
 * decryption on one key object is serialized and every job pays extra dispatch cost; measured on
 * 2 cores, jose's path reached under 60% of the raw RSA rate. A key imported inside each worker is
 * private to that thread, so the cores really work in parallel and each operation costs what a
 * synchronous node:crypto call costs, plus one message round trip. Workers are unref'd while idle,
 * so they never keep a process (a CLI run, a test) alive.
 */

export type RsaSignatureAlgorithm = 'PS256' | 'PS384' | 'PS512' | 'RS256' | 'RS384' | 'RS512';

/** Source of each worker: plain CommonJS evaluated in the thread, so it needs no build step. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const keys = new Map();
const SIGN = {
  PS256: ['sha256', crypto.constants.RSA_PKCS1_PSS_PADDING, 32],
  PS384: ['sha384', crypto.constants.RSA_PKCS1_PSS_PADDING, 48],
  PS512: ['sha512', crypto.constants.RSA_PKCS1_PSS_PADDING, 64],
  RS256: ['sha256', crypto.constants.RSA_PKCS1_PADDING, undefined],
  RS384: ['sha384', crypto.constants.RSA_PKCS1_PADDING, undefined],
  RS512: ['sha512', crypto.constants.RSA_PKCS1_PADDING, undefined],
};
parentPort.on('message', (job) => {
  try {
    if (job.der) keys.set(job.keyId, crypto.createPrivateKey({ key: job.der, format: 'der', type: 'pkcs8' }));
    const key = keys.get(job.keyId);
    if (!key) throw new Error('unknown key');
    let out;
    if (job.op === 'sign') {
      const [hash, padding, saltLength] = SIGN[job.alg];
      out = crypto.sign(hash, job.data, { key, padding, saltLength });
    } else {
      out = crypto.privateDecrypt({ key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: job.hash }, job.data);
    }
    // Moved, not copied, when the result owns its whole buffer (it does: node:crypto allocates it).
    const whole = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength;
    parentPort.postMessage({ id: job.id, ok: true, out }, whole ? [out.buffer] : []);
  } catch (error) {
    // Only the error class crosses back: OpenSSL messages are not needed by anyone.
    parentPort.postMessage({ id: job.id, ok: false, name: error && error.name });
  }
});
`;

interface Pending {
  resolve: (out: Buffer) => void;
  reject: (error: Error) => void;
}

class PoolWorker {
  readonly worker: Worker;
  readonly knownKeys = new Set<number>();
  readonly pending = new Map<number, Pending>();

  constructor(onExit: (self: PoolWorker) => void) {
    // A worker only signs and decrypts small buffers: a small young generation keeps each thread's
    // memory low under load (V8's default grows it to tens of MB per isolate).
    this.worker = new Worker(WORKER_SOURCE, { eval: true, name: 'gatehouse-rsa', resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    this.worker.unref();
    // Unref before the thread is online does not stick for its port: repeat once it is up.
    this.worker.once('online', () => {
      if (this.pending.size === 0) this.worker.unref();
    });
    this.worker.on('message', (message: { id: number; ok: boolean; out?: Uint8Array; name?: string }) => {
      const job = this.pending.get(message.id);
      if (!job) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) this.worker.unref();
      if (message.ok) job.resolve(Buffer.from(message.out!.buffer, message.out!.byteOffset, message.out!.byteLength));
      else job.reject(new Error(`RSA operation failed (${message.name ?? 'Error'})`));
    });
    const fail = () => {
      for (const job of this.pending.values()) job.reject(new Error('RSA worker stopped'));
      this.pending.clear();
      onExit(this);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', fail);
  }
}

/** A private key as the pool knows it: an id plus the PKCS#8 DER to import in each worker. */
export interface PoolKey {
  readonly poolKeyId: number;
  readonly privateDer: Buffer;
}

let nextKeyId = 1;
export function nextPoolKeyId(): number {
  return nextKeyId++;
}

export class RsaWorkerPool {
  private workers: PoolWorker[] = [];
  private nextJobId = 1;

  constructor(private readonly size = Math.max(1, Math.min(4, availableParallelism()))) {}

  sign(key: PoolKey, alg: RsaSignatureAlgorithm, data: Uint8Array): Promise<Buffer> {
    return this.run(key, { op: 'sign', alg, data });
  }

  /** RSA-OAEP decryption; `hash` is the OAEP/MGF1 hash ("sha1" for RSA-OAEP). */
  decrypt(key: PoolKey, hash: string, data: Uint8Array): Promise<Buffer> {
    return this.run(key, { op: 'decrypt', hash, data });
  }

  /** The workers' V8 heaps (with external memory: buffers held by a thread), for diagnostics. */
  async workerHeaps(): Promise<Array<{ usedBytes: number; externalBytes: number }>> {
    const heaps = await Promise.all(this.workers.map((w) => w.worker.getHeapStatistics()));
    return heaps.map((h) => ({ usedBytes: h.used_heap_size, externalBytes: h.external_memory }));
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  private run(key: PoolKey, job: { op: 'sign' | 'decrypt'; data: Uint8Array; alg?: RsaSignatureAlgorithm; hash?: string }): Promise<Buffer> {
    const target = this.pick();
    const id = this.nextJobId++;
    // A copy of exactly the bytes, moved to the worker. Posting a view would clone its whole
    // ArrayBuffer: the JOSE layers hand over views into 64 KB buffers, and those clones (64 KB per
    // operation) piled up in the workers as external memory until their next GC (+100 MB RSS).
    const data = new Uint8Array(job.data);
    const message: Record<string, unknown> = { ...job, data, id, keyId: key.poolKeyId };
    const transfer: ArrayBuffer[] = [data.buffer];
    if (!target.knownKeys.has(key.poolKeyId)) {
      const der = new Uint8Array(key.privateDer);
      message.der = der;
      transfer.push(der.buffer);
      target.knownKeys.add(key.poolKeyId);
    }
    return new Promise<Buffer>((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      target.worker.ref(); // a pending job must keep the process alive until it answers
      target.worker.postMessage(message, transfer);
    });
  }

  private pick(): PoolWorker {
    while (this.workers.length < this.size) {
      this.workers.push(new PoolWorker((dead) => (this.workers = this.workers.filter((w) => w !== dead))));
    }
    let best = this.workers[0];
    for (const w of this.workers) if (w.pending.size < best.pending.size) best = w;
    return best;
  }
}

let shared: RsaWorkerPool | undefined;

/** The process-wide pool used by the JOSE layers. */
export function sharedRsaPool(): RsaWorkerPool {
  shared ??= new RsaWorkerPool();
  return shared;
}
