import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MOMO_SANDBOX_PATH } from '../sandbox-accounts.js';
import { journalRequest } from '../sandbox-journal.js';
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
    journalRequest(req, res, next, {
      controlPrefix: CONTROL_PREFIX,
      now: () => this.store.now(),
      on: 'close',
      record: (seen) => {
        const note = journalNote(res);
        this.store.recordRequest({
          at: seen.at,
          direction: 'in',
          method: seen.method,
          path: seen.path,
          queryKeys: seen.queryKeys,
          operation: note.operation ?? 'unknown',
          ...(note.product ? { product: note.product } : {}),
          ...(note.referenceId ? { referenceId: note.referenceId } : {}),
          ...(note.apiUser ? { apiUser: note.apiUser } : {}),
          ...(note.tokenHash ? { tokenHash: note.tokenHash } : {}),
          status: seen.answered ? seen.status : null,
          ...(seen.answered && note.errorCode ? { errorCode: note.errorCode } : {}),
          ...(seen.answered ? {} : { outcome: 'dropped' as const }),
          durationMs: seen.durationMs,
        });
      },
    });
  }
}
