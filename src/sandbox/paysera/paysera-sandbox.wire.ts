import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { MacRequestParts } from '../../crypto/paysera-mac.protocol.js';
import { PAYSERA_ERRORS, type PayseraErrorCode, type PayseraOperation } from './paysera-sandbox.constants.js';

/**
 * A Paysera-shaped HTTP answer. Wire routes build these and write them with `sendWire`, never
 * through Gatehouse's problem+json filter: a Paysera client must see what Paysera would send.
 */
export interface WireReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function ok(body: unknown, status = 200): WireReply {
  return { status, body };
}

/** `{error, error_description}` (A.6 item 7) with the status of the code, or an explicit one. */
export function payseraError(error: PayseraErrorCode | string, description: string, status?: number): WireReply {
  return { status: status ?? PAYSERA_ERRORS[error as PayseraErrorCode] ?? 400, body: { error, error_description: description } };
}

export function isReply(value: unknown): value is WireReply {
  return typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
}

/** What the request journal records about a wire call (never a secret), filled in as handlers learn it. */
export interface JournalNote {
  operation?: PayseraOperation;
  clientId?: string;
  /** The user a token or login belongs to (their numeric id, not an email or a token). */
  userId?: number;
  grantType?: string;
  /** `client` or `user`: which kind of MAC credential signed the call. */
  credential?: 'client' | 'user';
  error?: string;
}

export function journalNote(res: Response): JournalNote {
  return ((res.locals as { payseraSandbox?: JournalNote }).payseraSandbox ??= {});
}

export function sendWire(res: Response, reply: WireReply): void {
  res.setHeader('paysera-correlation-id', randomUUID());
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  const body = reply.body as { error?: unknown } | undefined;
  if (body && typeof body.error === 'string') journalNote(res).error = body.error;
  res.status(reply.status).type('application/json').send(JSON.stringify(reply.body));
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return one?.split(',')[0]?.trim() || undefined;
}

/**
 * The host and port the client signed (A.3): the Host header's name (lowercase, no port) and its
 * explicit port; without one, X-Forwarded-Port, else the default of X-Forwarded-Proto or of the
 * connection's scheme. X-Forwarded-Host wins over Host (a proxy in front). The request URI is the
 * path and query exactly as received.
 */
export function macRequestParts(req: Pick<Request, 'method' | 'originalUrl' | 'headers'> & { secure?: boolean }): MacRequestParts {
  const hostHeader = firstHeader(req.headers['x-forwarded-host']) ?? firstHeader(req.headers.host) ?? '';
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostHeader);
  const [host, explicitPort] = bracketed ? [bracketed[1]!, bracketed[2]] : (hostHeader.split(':') as [string, string | undefined]);
  let port = explicitPort ? Number(explicitPort) : Number(firstHeader(req.headers['x-forwarded-port']) ?? NaN);
  if (!Number.isInteger(port) || port <= 0) {
    const proto = firstHeader(req.headers['x-forwarded-proto']) ?? (req.secure ? 'https' : 'http');
    port = proto === 'https' ? 443 : 80;
  }
  return { method: req.method.toUpperCase(), requestUri: req.originalUrl, host: host.toLowerCase(), port };
}

/** A JSON object body, or undefined (empty, not JSON, not an object). */
export function parseJsonObject(raw: Buffer): Record<string, unknown> | undefined {
  if (raw.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
