// What MAC signing adds to a Paysera call: the same POST (a JSON body, as Gatehouse sends to the
// wallet API) to a local HTTP server, once signed with PayseraMacService (ts, nonce, body hash,
// HMAC-SHA256 over the normalized request) and once unsigned, alternating, same connections.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'node:http';
import { PayseraMacService } from '../src/crypto/paysera-mac.service.js';

export interface MacCallResult {
  signedPerSec: number;
  unsignedPerSec: number;
  /** Median of the per-round signed/unsigned ratios (each round measures both back to back). */
  ratio: number;
}

async function rate(url: URL, sign: boolean, ms: number, concurrency: number, mac: PayseraMacService, agent: Agent): Promise<number> {
  const body = JSON.stringify({ payments: [{ description: 'Order 1001', price: '12.50', currency: 'EUR' }], redirect_uri: 'https://shop.example/return' });
  const until = performance.now() + ms;
  let done = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
      if (sign) headers.authorization = mac.sign({ method: 'POST', url, body }, { macId: 'wkVd93h2uS', macKey: 'IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU' }).authorization;
      const req = request(url, { method: 'POST', headers, agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await one();
        done++;
      }
    }),
  );
  return (done / ms) * 1000;
}

export async function runMacCallBench(phaseMs = 600, rounds = 9): Promise<MacCallResult> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"new"}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/rest/v1/transaction`);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const mac = new PayseraMacService();
  const signed: number[] = [];
  const unsigned: number[] = [];
  const ratios: number[] = [];
  try {
    await rate(url, true, 300, 16, mac, agent); // warm-up
    await rate(url, false, 300, 16, mac, agent);
    // Short back-to-back pairs, the order swapped every round, so drift in the machine's speed
    // (other processes, CPU frequency) falls on both sides of each ratio alike.
    for (let i = 0; i < rounds; i++) {
      const first = i % 2 === 0;
      const a = await rate(url, !first, phaseMs, 16, mac, agent);
      const b = await rate(url, first, phaseMs, 16, mac, agent);
      const [u, sg] = first ? [a, b] : [b, a];
      unsigned.push(u);
      signed.push(sg);
      ratios.push(sg / u);
    }
  } finally {
    agent.destroy();
    await new Promise((r) => server.close(r));
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return { signedPerSec: median(signed), unsignedPerSec: median(unsigned), ratio: median(ratios) };
}
