// What MAC signing adds to a Paysera call: the same POST (a JSON body, as Gatehouse sends to the
// wallet API) to a local HTTP server, once signed with PayseraMacService (ts, nonce, body hash,
// HMAC-SHA256 over the normalized request) and once unsigned, alternating, same connections.
// Twice: as Gatehouse makes the call (PayseraClient's way: ProviderHttp, i.e. fetch with a timeout
// and the circuit breaker, the answer read as JSON), which is what the target is about, and with a
// bare node:http client, the cheapest call there is, where signing weighs the most.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'node:http';
import { DEFAULT_PROVIDER_HTTP_POLICY, ProviderHttp } from '../src/common/http/provider-http.js';
import { PayseraMacService } from '../src/crypto/paysera-mac.service.js';

export interface MacCallRates {
  signedPerSec: number;
  unsignedPerSec: number;
  /** Median of the per-round signed/unsigned ratios (each round measures both back to back). */
  ratio: number;
}

export interface MacCallResult {
  /** The call as PayseraClient makes it (ProviderHttp over fetch). */
  gatehouse: MacCallRates;
  /** The same request with a bare node:http client. */
  bare: MacCallRates;
}

type Client = 'gatehouse' | 'bare';

const CREDENTIALS = { macId: 'wkVd93h2uS', macKey: 'IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU' };
const PAYLOAD = { payments: [{ description: 'Order 1001', price: '12.50', currency: 'EUR' }], redirect_uri: 'https://shop.example/return' };

async function rate(client: Client, url: URL, sign: boolean, ms: number, concurrency: number, mac: PayseraMacService, agent: Agent, http: ProviderHttp): Promise<number> {
  const until = performance.now() + ms;
  let done = 0;
  const bare = () =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify(PAYLOAD);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
      if (sign) headers.authorization = mac.sign({ method: 'POST', url, body }, CREDENTIALS).authorization;
      const req = request(url, { method: 'POST', headers, agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  // As PayseraClient.call does it: JSON to bytes, sign those bytes, send through ProviderHttp, read JSON.
  const viaGatehouse = async () => {
    const bytes = Buffer.from(JSON.stringify(PAYLOAD), 'utf8');
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
    if (sign) headers.authorization = mac.sign({ method: 'POST', url, body: bytes }, CREDENTIALS).authorization;
    const res = await http.send({ operation: 'bench', url: url.toString(), init: { method: 'POST', headers, body: bytes } });
    JSON.parse(await res.text());
  };
  const one = client === 'bare' ? bare : viaGatehouse;
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

async function pairs(client: Client, url: URL, phaseMs: number, rounds: number, mac: PayseraMacService, agent: Agent, http: ProviderHttp): Promise<MacCallRates> {
  const signed: number[] = [];
  const unsigned: number[] = [];
  const ratios: number[] = [];
  await rate(client, url, true, 300, 16, mac, agent, http); // warm-up
  await rate(client, url, false, 300, 16, mac, agent, http);
  // Short back-to-back pairs, the order swapped every round, so drift in the machine's speed
  // (other processes, CPU frequency) falls on both sides of each ratio alike.
  for (let i = 0; i < rounds; i++) {
    const first = i % 2 === 0;
    const a = await rate(client, url, !first, phaseMs, 16, mac, agent, http);
    const b = await rate(client, url, first, phaseMs, 16, mac, agent, http);
    const [u, sg] = first ? [a, b] : [b, a];
    unsigned.push(u);
    signed.push(sg);
    ratios.push(sg / u);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return { signedPerSec: median(signed), unsignedPerSec: median(unsigned), ratio: median(ratios) };
}

export async function runMacCallBench(phaseMs = 600, rounds = 9): Promise<MacCallResult> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"new"}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/rest/v1/transaction`);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const http = new ProviderHttp('Paysera', { ...DEFAULT_PROVIDER_HTTP_POLICY, timeoutMs: 10_000 });
  const mac = new PayseraMacService();
  try {
    return { gatehouse: await pairs('gatehouse', url, phaseMs, rounds, mac, agent, http), bare: await pairs('bare', url, phaseMs, rounds, mac, agent, http) };
  } finally {
    agent.destroy();
    await new Promise((r) => server.close(r));
  }
}
