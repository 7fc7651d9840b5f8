import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PAGA_SANDBOX_PATH } from '../sandbox-accounts.js';
import { journalRequest } from '../sandbox-journal.js';
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
    journalRequest(req, res, next, {
      controlPrefix: CONTROL_PREFIX,
      now: () => this.store.now(),
      on: 'finish',
      record: (seen) => {
        const note = journalNote(res);
        this.store.recordRequest({
          at: seen.at,
          method: seen.method,
          path: seen.path,
          queryKeys: seen.queryKeys,
          operation: note.operation ?? 'unknown',
          status: seen.status,
          durationMs: seen.durationMs,
          ...(note.clientId ? { clientId: note.clientId } : {}),
          ...(note.grantType ? { grantType: note.grantType } : {}),
          ...(note.username ? { username: note.username } : {}),
          ...(note.tokenHash ? { tokenHash: note.tokenHash } : {}),
          ...(note.errorCode !== undefined ? { errorCode: note.errorCode } : {}),
        });
      },
    });
  }
}
