import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PACO_SANDBOX_PATH } from '../sandbox-accounts.js';
import { PacoSandboxStore } from './paco-sandbox.store.js';
import { journalNote } from './paco-sandbox.wire.js';

const CONTROL_PREFIX = `${PACO_SANDBOX_PATH}/__control`;

/**
 * Records every wire request once its connection is done with it, for `GET __control/requests`.
 * Kept: method, path, operation, status, response code, orderNo and a card's last 4 digits. Never a
 * token, Basic credential, JWE body or full card number. A dropped connection has no status.
 */
@Injectable()
export class PacoSandboxJournalMiddleware implements NestMiddleware {
  constructor(private readonly store: PacoSandboxStore) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = this.store.now();
    const startedMs = performance.now();
    const path = req.originalUrl.split('?', 1)[0]!;
    if (path.replace(/\/{2,}/g, '/').startsWith(CONTROL_PREFIX)) return next();
    res.on('close', () => {
      const note = journalNote(res);
      const answered = res.writableFinished;
      this.store.record({
        at: new Date(started).toISOString(),
        direction: 'in',
        method: req.method,
        path: path.slice(0, 300),
        operation: note.operation ?? 'unknown',
        status: answered ? res.statusCode : null,
        ...(note.responseCode ? { responseCode: note.responseCode } : {}),
        ...(note.orderNo ? { orderNo: note.orderNo } : {}),
        ...(note.cardLast4 ? { cardLast4: note.cardLast4 } : {}),
        ...(answered ? {} : { outcome: 'dropped' as const }),
        durationMs: Math.round(performance.now() - startedMs),
      });
    });
    next();
  }
}
