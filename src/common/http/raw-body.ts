import type { IncomingMessage } from 'node:http';

/** A request whose exact body bytes were kept by the body parser (for signatures and MACs). */
export type RawBodyRequest = IncomingMessage & { rawBody?: Buffer };

/**
 * body-parser's `verify` hook: keeps the bytes it already read (no copy), so that anything that
 * signs or hashes the body (Paysera MACs, provider callbacks, webhooks) sees exactly what came.
 */
export function keepRawBody(req: IncomingMessage, _res: unknown, buf: Buffer): void {
  (req as RawBodyRequest).rawBody = buf;
}

/** The exact body bytes; empty when the request had no body the parsers read. */
export function rawBodyOf(req: IncomingMessage): Buffer {
  return (req as RawBodyRequest).rawBody ?? Buffer.alloc(0);
}
