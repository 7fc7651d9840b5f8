import { constants, generateKeyPair, publicEncrypt, verify, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { loadRsaKey, toPem } from './key-loader.js';
import { RsaWorkerPool } from './rsa-worker.pool.js';

const generate = promisify(generateKeyPair);

describe('RsaWorkerPool', () => {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  const pool = new RsaWorkerPool(2);

  beforeAll(async () => {
    pair = await generate('rsa', { modulusLength: 2048 });
  });
  afterAll(() => pool.close());

  it('signs PS256 (salt 32), PS384 (salt 48) and RS256 that node:crypto verifies', async () => {
    const key = loadRsaKey(toPem(pair.privateKey), 'sign');
    const data = Buffer.from('signing input');
    const ps256 = await pool.sign(key.poolHandle(), 'PS256', data);
    expect(verify('sha256', data, { key: pair.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, ps256)).toBe(true);
    const ps384 = await pool.sign(key.poolHandle(), 'PS384', data);
    expect(verify('sha384', data, { key: pair.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 }, ps384)).toBe(true);
    const rs256 = await pool.sign(key.poolHandle(), 'RS256', data);
    expect(verify('sha256', data, pair.publicKey, rs256)).toBe(true);
  });

  it('runs many concurrent RSA-OAEP decryptions over both workers, each result correct', async () => {
    const key = loadRsaKey(toPem(pair.privateKey), 'decrypt');
    const secrets = Array.from({ length: 24 }, (_, i) => Buffer.alloc(32, i));
    const wrapped = secrets.map((s) => publicEncrypt({ key: pair.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, s));
    const results = await Promise.all(wrapped.map((w) => pool.decrypt(key.poolHandle(), 'sha1', w)));
    results.forEach((r, i) => expect(r.equals(secrets[i])).toBe(true));
  });

  it('reports a failed operation without OpenSSL detail, and keeps working afterwards', async () => {
    const key = loadRsaKey(toPem(pair.privateKey), 'decrypt');
    await expect(pool.decrypt(key.poolHandle(), 'sha1', Buffer.alloc(256, 7))).rejects.toThrow(/^RSA operation failed \(Error\)$/);
    const ok = publicEncrypt({ key: pair.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('cek'));
    await expect(pool.decrypt(key.poolHandle(), 'sha256', ok)).resolves.toEqual(Buffer.from('cek'));
  });

  it('sends a worker only the bytes of a view, and leaves the caller its buffer', async () => {
    const key = loadRsaKey(toPem(pair.privateKey), 'sign');
    // Views into 1 MB buffers: posted as they are, each job would clone the whole megabyte.
    const views = Array.from({ length: 120 }, (_, i) => Buffer.alloc(1 << 20, i).subarray(1000, 2500));
    const signatures = await Promise.all(views.map((v) => pool.sign(key.poolHandle(), 'PS256', v)));
    signatures.forEach((signature, i) => expect(verify('sha256', views[i], { key: pair.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)).toBe(true));
    expect(views.every((v) => v.buffer.byteLength === 1 << 20)).toBe(true); // not detached
    const heaps = await pool.workerHeaps();
    expect(heaps).toHaveLength(2);
    for (const heap of heaps) expect(heap.externalBytes).toBeLessThan(8 << 20);
  });

  it('starts fresh workers after close()', async () => {
    const key = loadRsaKey(toPem(pair.privateKey), 'sign');
    await pool.close();
    const signature = await pool.sign(key.poolHandle(), 'PS256', Buffer.from('x'));
    expect(verify('sha256', Buffer.from('x'), { key: pair.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)).toBe(true);
  });
});
