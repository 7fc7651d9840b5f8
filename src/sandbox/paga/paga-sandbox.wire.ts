import type { Request, Response } from 'express';
import type { PagaOperation } from './paga-sandbox.constants.js';
import { toJsonWithDecimals } from './paga-sandbox.money.js';

/**
 * A Paga-shaped HTTP answer. The wire routes build these and write them with `sendWire`, never
 * through Gatehouse's problem+json filter: a Paga client must see what Paga would send.
 */
export interface WireReply {
  status: number;
  /** Serialized with toJsonWithDecimals, so JsonMoney values keep two decimals. */
  body: unknown;
  headers?: Record<string, string>;
}

/** What the request journal records about a wire call, filled in by the handlers as they learn it. */
export interface JournalNote {
  operation?: PagaOperation;
  clientId?: string;
  grantType?: string;
  username?: string;
  tokenHash?: string;
  errorCode?: number;
}

export function journalNote(res: Response): JournalNote {
  return ((res.locals as { pagaSandbox?: JournalNote }).pagaSandbox ??= {});
}

export function sendWire(res: Response, reply: WireReply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  res.status(reply.status).type('application/json').send(toJsonWithDecimals(reply.body));
}

/** Spring's OAuth2 error body (`{"error":…,"error_description":…}`), as Paga's token and resource servers answer. */
export function oauthError(status: number, error: string, description: string, headers?: Record<string, string>): WireReply {
  return { status, body: { error, error_description: description }, headers };
}

export function invalidToken(description: string): WireReply {
  return oauthError(401, 'invalid_token', description, {
    'WWW-Authenticate': `Bearer realm="paga-sandbox", error="invalid_token", error_description="${description}"`,
  });
}

/** Spring Boot's default error body, for paths and methods the server does not have. */
export function springError(req: Request, status: 404 | 405, now: number): WireReply {
  const path = req.originalUrl.split('?')[0];
  return status === 404
    ? { status, body: { timestamp: new Date(now).toISOString(), status, error: 'Not Found', message: 'No message available', path } }
    : {
        status,
        body: { timestamp: new Date(now).toISOString(), status, error: 'Method Not Allowed', message: `Request method '${req.method}' not supported`, path },
        headers: { Allow: 'POST' },
      };
}

export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
