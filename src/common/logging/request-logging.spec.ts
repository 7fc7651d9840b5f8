import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createRootLogger, requestLogging } from './logging.options.js';

interface Line {
  level: number;
  msg: string;
  reqId?: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
}

describe('requestLogging', () => {
  const lines: Line[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(...String(chunk).trim().split('\n').map((l) => JSON.parse(l) as Line)), done()) });
  const logger = createRootLogger({ logLevel: 'info' }, sink);
  const middleware = requestLogging(logger);
  let base = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) =>
    middleware(req, res, () => {
      const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200);
      if (req.url!.startsWith('/inside')) logger.info('work inside the request'); // no request in its arguments
      if (req.url!.startsWith('/abort')) return req.socket.destroy();
      res.statusCode = status;
      res.end('ok');
    }),
  );

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const settle = () => new Promise((r) => setTimeout(r, 50));

  it('one line per request, its level by status, the URL without query values; the id is echoed', async () => {
    lines.length = 0;
    const ok = await fetch(`${base}/v1/x?code=secret-code&status=200`);
    await fetch(`${base}/v1/x?status=404`);
    await fetch(`${base}/v1/x?status=503`);
    await settle();
    expect(lines.map((l) => [l.level, l.msg, l.res?.statusCode])).toEqual([
      [30, 'request completed', 200],
      [40, 'request completed', 404],
      [50, 'request errored', 503],
    ]);
    expect(lines[0]!.req!.url).toBe('/v1/x?code=[redacted]&status=[redacted]');
    expect(JSON.stringify(lines)).not.toContain('secret-code');
    expect(lines[0]!.req!.id).toBe(ok.headers.get('x-request-id'));
  });

  it("every line written while serving a request carries its id (the caller's, when well-formed)", async () => {
    lines.length = 0;
    await fetch(`${base}/inside`, { headers: { 'x-request-id': 'trace-12345678' } });
    await settle();
    expect(lines.map((l) => [l.msg, l.reqId])).toEqual([
      ['work inside the request', 'trace-12345678'],
      ['request completed', 'trace-12345678'],
    ]);
    logger.info('outside any request');
    expect(lines.at(-1)!.reqId).toBeUndefined();
  });

  it('health probes write nothing; a client that goes away is a warning', async () => {
    lines.length = 0;
    await fetch(`${base}/health/ready`);
    await fetch(`${base}/abort`).catch(() => undefined);
    await settle();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[40, 'request aborted']]);
  });
});
