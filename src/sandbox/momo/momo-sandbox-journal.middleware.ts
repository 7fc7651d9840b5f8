import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MOMO_SANDBOX_PATH } from '../sandbox-accounts.js';
import { MomoSandboxStore } from './momo-sandbox.store.js';
import { journalNote } from './momo-sandbox.wire.js';

const CONTROL_PREFIX = `${MOMO_SANDBOX_PATH}/__control`;

/**
 * Records every wire request once its connection is done with it, for `GET __control/requests`.
 * Only the path, the names of the query parameters and what the handlers noted are kept: never a
 * subscription key, API key, Basic credential or token (a token appears only as a short hash).
 * A connection dropped on purpose (`fail-next` with `drop`) is recorded with no status.
 */
@Injectable()
export class MomoSandboxJournalMiddleware implements NestMiddleware {
  constructor(private readonly store: MomoSandboxStore) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = this.store.now();
    const startedMs = performance.now();
    const [path, query] = req.originalUrl.split('?', 2) as [string, string | undefined];
    if (path.replace(/\/{2,}/g, '/').startsWith(CONTROL_PREFIX)) return next();
    res.on('close', () => {
      const note = journalNote(res);
      const answered = res.writableFinished;
      this.store.recordRequest({
        at: new Date(started).toISOString(),
        direction: 'in',
        method: req.method,
        path,
        queryKeys: [...new Set(new URLSearchParams(query ?? '').keys())],
        operation: note.operation ?? 'unknown',
        ...(note.product ? { product: note.product } : {}),
        ...(note.referenceId ? { referenceId: note.referenceId } : {}),
        ...(note.apiUser ? { apiUser: note.apiUser } : {}),
        ...(note.tokenHash ? { tokenHash: note.tokenHash } : {}),
        status: answered ? res.statusCode : null,
        ...(answered && note.errorCode ? { errorCode: note.errorCode } : {}),
        ...(answered ? {} : { outcome: 'dropped' as const }),
        durationMs: Math.round(performance.now() - startedMs),
      });
    });
    next();
  }
}
