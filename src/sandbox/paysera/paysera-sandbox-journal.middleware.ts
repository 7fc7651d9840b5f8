import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PAYSERA_SANDBOX_PATH } from '../sandbox-accounts.js';
import { journalRequest } from '../sandbox-journal.js';
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
    journalRequest(req, res, next, {
      controlPrefix: CONTROL_PREFIX,
      now: () => this.store.now(),
      on: 'finish',
      record: (seen) => {
        const note = journalNote(res);
        this.store.recordRequest({
          at: seen.at,
          method: seen.method,
          path: seen.path.slice(0, 300),
          queryKeys: seen.queryKeys.slice(0, 20),
          operation: note.operation ?? 'unknown',
          status: seen.status,
          durationMs: seen.durationMs,
          ...(note.clientId ? { clientId: note.clientId } : {}),
          ...(note.userId !== undefined ? { userId: note.userId } : {}),
          ...(note.grantType ? { grantType: note.grantType } : {}),
          ...(note.credential ? { credential: note.credential } : {}),
          ...(note.error ? { error: note.error } : {}),
        });
      },
    });
  }
}
