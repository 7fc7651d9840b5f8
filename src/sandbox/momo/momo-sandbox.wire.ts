import type { Response } from 'express';
import { MOMO_ERRORS, type MomoErrorCode, type MomoJournalOperation, type MomoProduct } from './momo-sandbox.constants.js';

/**
 * A MoMo-shaped HTTP answer. The wire routes build these and write them with `sendWire`, never
 * through Gatehouse's problem+json filter: a MoMo client must see what MoMo would send.
 */
export interface WireReply {
  status: number;
  /** JSON body; undefined = an empty body (`content-length: 0`, as MoMo's 201 and 202). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** What the request journal records about a wire call, filled in by the handlers as they learn it. */
export interface JournalNote {
  operation?: MomoJournalOperation;
  product?: MomoProduct;
  referenceId?: string;
  apiUser?: string;
  tokenHash?: string;
  errorCode?: string;
}

export function journalNote(res: Response): JournalNote {
  return ((res.locals as { momoSandbox?: JournalNote }).momoSandbox ??= {});
}

export function sendWire(res: Response, reply: WireReply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined) {
    res.status(reply.status).setHeader('Content-Length', '0');
    res.end();
    return;
  }
  res.status(reply.status).type('application/json').send(JSON.stringify(reply.body));
}

/**
 * MoMo's own error body. The measured 500 replies put `message` first (§7.3), the documented 4xx
 * examples `code` first; JSON does not care, but a byte-level comparison might.
 */
export function momoError(code: MomoErrorCode | string, message?: string, status?: number): WireReply {
  const known = MOMO_ERRORS[code as MomoErrorCode] as { status: number; message: string } | undefined;
  const httpStatus = status ?? known?.status ?? 500;
  const text = message ?? known?.message ?? 'An error occurred.';
  return { status: httpStatus, body: httpStatus >= 500 ? { message: text, code } : { code, message: text } };
}

/** The Azure API-Management gateway's body `{statusCode, message}` (§4, §7.3: 401, 403, 404, 429). */
export function gatewayError(status: number, message: string): WireReply {
  return { status, body: { statusCode: status, message } };
}

/** A wait that never keeps the process alive on its own (a hung call must not block shutdown or a test run). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
