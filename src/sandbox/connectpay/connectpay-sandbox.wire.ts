import type { Response } from 'express';
import type { ConnectPayFailableOperation, ConnectPayOperation } from './connectpay-sandbox.constants.js';

/**
 * A ConnectPay-shaped HTTP answer. The wire routes build these and write them with `sendWire`,
 * never through Gatehouse's problem+json filter: a ConnectPay client must see what ConnectPay sends.
 */
export interface WireReply {
  status: number;
  /** Plain JSON (money is already a decimal string); undefined for an empty body. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** What the request journal records about a wire call, filled in by the handlers as they learn it. */
export interface JournalNote {
  operation?: ConnectPayOperation;
  requestId?: string;
  clientId?: string;
  grantType?: string;
  personId?: string;
  customerId?: string;
  tokenHash?: string;
  errorCode?: string;
}

export function journalNote(res: Response): JournalNote {
  return ((res.locals as { connectPaySandbox?: JournalNote }).connectPaySandbox ??= {});
}

/** Writes the reply, echoing the caller's X-Request-ID (spec 2.5 [A]). */
export function sendWire(res: Response, reply: WireReply, requestId: string | undefined): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (requestId) res.setHeader('X-Request-ID', requestId);
  res.status(reply.status);
  if (reply.body === undefined) res.end();
  else res.type('application/json').send(JSON.stringify(reply.body));
}

export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** RFC 6749 §5.2 token-endpoint error, with the request id every ConnectPay error carries (spec 2.8 [A]). */
export function oauthError(status: number, error: string, description: string, requestId: string | undefined, headers: Record<string, string> = {}): WireReply {
  return { status, body: { error, error_description: description, ...(requestId ? { requestId } : {}) }, headers: { ...NO_STORE, ...headers } };
}

export function invalidClient(description: string, requestId: string | undefined): WireReply {
  return oauthError(401, 'invalid_client', description, requestId, { 'WWW-Authenticate': 'Basic realm="connectpay"' });
}

/** Resource-API error body `{code, message, requestId}` (spec 2.8 [A]). */
export function apiError(status: number, code: string, message: string, requestId: string | undefined, headers: Record<string, string> = {}): WireReply {
  return { status, body: { code, message, requestId: requestId ?? null }, headers };
}

export function invalidToken(message: string, requestId: string | undefined): WireReply {
  return apiError(401, 'UNAUTHORIZED', message, requestId, { 'WWW-Authenticate': `Bearer realm="connectpay", error="invalid_token", error_description="${message}"` });
}

/** A call failed on purpose (`__control/fail-next`): OAuth-shaped on the auth endpoints, `{code,…}` on the API. */
export function forcedFailure(operation: ConnectPayFailableOperation, httpStatus: number, message: string | undefined, requestId: string | undefined): WireReply {
  const text = message ?? 'Failure forced by the sandbox control API.';
  const headers: Record<string, string> = httpStatus === 429 || httpStatus === 503 ? { 'Retry-After': '1' } : {};
  if (operation === 'token' || operation === 'revoke') {
    const error = httpStatus >= 500 ? 'server_error' : httpStatus === 401 ? 'invalid_client' : httpStatus === 429 ? 'slow_down' : 'invalid_request';
    return oauthError(httpStatus, error, text, requestId, headers);
  }
  const code = httpStatus >= 500 ? 'INTERNAL_ERROR' : httpStatus === 429 ? 'TOO_MANY_REQUESTS' : httpStatus === 401 ? 'UNAUTHORIZED' : httpStatus === 403 ? 'FORBIDDEN' : 'BAD_REQUEST';
  return apiError(httpStatus, code, text, requestId, headers);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
