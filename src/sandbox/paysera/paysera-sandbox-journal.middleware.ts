import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PAYSERA_SANDBOX_PATH } from '../sandbox-accounts.js';
import { PayseraSandboxStore } from './paysera-sandbox.store.js';
import { journalNote } from './paysera-sandbox.wire.js';

const CONTROL_PREFIX = `${PAYSERA_SANDBOX_PATH}/__control`;

/**
 * Records every wire request once answered, for `GET __control/requests`: the path, the names (not
 * values) of the query parameters and what the handlers noted. Never a MAC key, token, code,
 * password or Authorization header.
 */
@Injectable()
export class PayseraSandboxJournalMiddleware implements NestMiddleware {
  constructor(private readonly store: PayseraSandboxStore) {}

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
        path: path.slice(0, 300),
        queryKeys: [...new Set(new URLSearchParams(query ?? '').keys())].slice(0, 20),
        operation: note.operation ?? 'unknown',
        status: res.statusCode,
        durationMs: Math.round(performance.now() - startedMs),
        ...(note.clientId ? { clientId: note.clientId } : {}),
        ...(note.userId !== undefined ? { userId: note.userId } : {}),
        ...(note.grantType ? { grantType: note.grantType } : {}),
        ...(note.credential ? { credential: note.credential } : {}),
        ...(note.error ? { error: note.error } : {}),
      });
    });
    next();
  }
}
