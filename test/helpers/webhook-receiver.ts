import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  answeredWith: number;
}

/**
 * A merchant's webhook endpoint for tests: records every request, answers 204, or the statuses
 * queued with `failNext` first (e.g. [500, 503] = fail twice, then succeed).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly queued: number[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.queued.shift() ?? 204;
        this.received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), answeredWith: status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  failNext(...statuses: number[]): void {
    this.queued.push(...statuses);
  }

  /** The delivered (2xx) requests whose JSON body matches. */
  delivered(match: (event: { type: string; data: Record<string, unknown> }) => boolean = () => true): ReceivedWebhook[] {
    return this.received.filter((r) => r.answeredWith < 300 && match(JSON.parse(r.body)));
  }

  async waitFor(count: number, match?: (event: { type: string; data: Record<string, unknown> }) => boolean, timeoutMs = 15_000): Promise<ReceivedWebhook[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.delivered(match);
      if (found.length >= count) return found;
      if (Date.now() > until) throw new Error(`waited ${timeoutMs} ms for ${count} webhook(s), got ${found.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
