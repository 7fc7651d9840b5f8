import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PACO_SANDBOX_PATH } from '../sandbox-accounts.js';
import { journalRequest } from '../sandbox-journal.js';
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
    journalRequest(req, res, next, {
      controlPrefix: CONTROL_PREFIX,
      now: () => this.store.now(),
      on: 'close',
      record: (seen) => {
        const note = journalNote(res);
        this.store.record({
          at: seen.at,
          direction: 'in',
          method: seen.method,
          path: seen.path.slice(0, 300),
          operation: note.operation ?? 'unknown',
          status: seen.answered ? seen.status : null,
          ...(note.responseCode ? { responseCode: note.responseCode } : {}),
          ...(note.orderNo ? { orderNo: note.orderNo } : {}),
          ...(note.cardLast4 ? { cardLast4: note.cardLast4 } : {}),
          ...(seen.answered ? {} : { outcome: 'dropped' as const }),
          durationMs: seen.durationMs,
        });
      },
    });
  }
}
