import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../errors/app-error.js';
import { backoffMs, DEFAULT_PROVIDER_HTTP_POLICY, ProviderHttp, retryAfterMs } from './provider-http.js';

/** A real local server that answers the queued statuses in turn (then 200), counting requests. */
async function upstream(): Promise<{ url: string; hits: () => number; queue: (...s: (number | [number, Record<string, string>])[]) => void; close: () => Promise<void> }> {
  const queued: (number | [number, Record<string, string>])[] = [];
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    const next = queued.shift() ?? 200;
    const [status, headers] = Array.isArray(next) ? next : [next, {}];
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ status }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`,
    hits: () => hits,
    queue: (...s) => queued.push(...s),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const fast = { ...DEFAULT_PROVIDER_HTTP_POLICY, timeoutMs: 2_000, baseDelayMs: 5, maxDelayMs: 50 };

describe('ProviderHttp', () => {
  let up: Awaited<ReturnType<typeof upstream>>;
  beforeEach(async () => {
    up = await upstream();
  });
  afterEach(() => up.close());

  it('retries an idempotent call after 5xx and returns the success', async () => {
    up.queue(503, 500);
    const res = await new ProviderHttp('P', fast).send({ operation: 'read', url: up.url, init: {}, idempotent: true });
    expect(res.status).toBe(200);
    expect(up.hits()).toBe(3);
  });

  it('sends a non-idempotent call once and hands back the 5xx for the client to read', async () => {
    up.queue(500);
    const res = await new ProviderHttp('P', fast).send({ operation: 'pay', url: up.url, init: { method: 'POST' } });
    expect(res.status).toBe(500);
    expect(up.hits()).toBe(1);
  });

  it('gives up after the retries and returns the last answer; 4xx is not retried', async () => {
    up.queue(502, 502, 502);
    expect((await new ProviderHttp('P', fast).send({ operation: 'read', url: up.url, init: {}, idempotent: true })).status).toBe(502);
    expect(up.hits()).toBe(3);
    up.queue(404);
    expect((await new ProviderHttp('P', fast).send({ operation: 'read', url: up.url, init: {}, idempotent: true })).status).toBe(404);
    expect(up.hits()).toBe(4);
  });

  it('honours Retry-After (capped by maxDelayMs)', async () => {
    up.queue([429, { 'retry-after': '0' }]);
    expect((await new ProviderHttp('P', fast).send({ operation: 'read', url: up.url, init: {}, idempotent: true })).status).toBe(200);
    expect(up.hits()).toBe(2);
  });

  it('times out an attempt as PROVIDER_TIMEOUT and a refused connection as PROVIDER_ERROR', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    await expect(new ProviderHttp('P', { ...fast, timeoutMs: 100 }).send({ operation: 'slow', url, init: {} })).rejects.toMatchObject({ code: 'PROVIDER_TIMEOUT' });
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
    await expect(new ProviderHttp('P', fast).send({ operation: 'gone', url, init: {} })).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
  });

  it('opens the circuit after repeated failures: then 503 PROVIDER_UNAVAILABLE without calling', async () => {
    const http = new ProviderHttp('P', { ...fast, retries: 0, volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 });
    up.queue(500, 500, 500, 500);
    for (let i = 0; i < 4; i++) expect((await http.send({ operation: 'x', url: up.url, init: {} })).status).toBe(500);
    expect(http.isOpen).toBe(true);
    const caught = await http.send({ operation: 'x', url: up.url, init: {} }).catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', headers: { 'Retry-After': '60' } });
    expect(up.hits()).toBe(4);
  });

  it('backoff has full jitter under an exponential cap; Retry-After reads seconds and dates', () => {
    expect(backoffMs(0, fast, () => 1)).toBe(5);
    expect(backoffMs(3, fast, () => 1)).toBe(40);
    expect(backoffMs(10, fast, () => 1)).toBe(50);
    expect(backoffMs(3, fast, () => 0)).toBe(0);
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
