import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PAGA_SANDBOX_PATH } from '../sandbox-accounts.js';
import { PagaSandboxStore } from './paga-sandbox.store.js';
import { journalNote } from './paga-sandbox.wire.js';

const CONTROL_PREFIX = `${PAGA_SANDBOX_PATH}/__control`;

/**
 * Records every wire request once its answer is sent, for `GET __control/requests`. Only the path,
 * the names of the query parameters and what the handlers noted (never a token, code, password or
 * Basic credential) are kept.
 */
@Injectable()
export class PagaSandboxJournalMiddleware implements NestMiddleware {
  constructor(private readonly store: PagaSandboxStore) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = this.store.now();
    const startedMs = performance.now();
    const [path, query] = req.originalUrl.split('?', 2) as [string, string | undefined];
    if (path.replace(/\/{2,}/g, '/').startsWith(CONTROL_PREFIX)) return next();
    res.on('finish', () => {
      const note = journalNote(res);
      this.store.recordRequest({
        at: new Date(started).toISOString(),
        method: req.method,
        path,
        queryKeys: [...new Set(new URLSearchParams(query ?? '').keys())],
        operation: note.operation ?? 'unknown',
        status: res.statusCode,
        durationMs: Math.round(performance.now() - startedMs),
        ...(note.clientId ? { clientId: note.clientId } : {}),
        ...(note.grantType ? { grantType: note.grantType } : {}),
        ...(note.username ? { username: note.username } : {}),
        ...(note.tokenHash ? { tokenHash: note.tokenHash } : {}),
        ...(note.errorCode !== undefined ? { errorCode: note.errorCode } : {}),
      });
    });
    next();
  }
}
