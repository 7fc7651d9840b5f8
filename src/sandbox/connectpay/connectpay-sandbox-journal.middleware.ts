import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CONNECTPAY_SANDBOX_PATH } from '../sandbox-accounts.js';
import { journalRequest } from '../sandbox-journal.js';
import { ConnectPaySandboxStore } from './connectpay-sandbox.store.js';
import { journalNote } from './connectpay-sandbox.wire.js';

/**
 * Records every wire request once answered, for `GET __control/requests`. Only the path, the names
 * of the query parameters and what the handlers noted are kept: never a token, code, nonce, password
 * or Basic credential (tokens only as a short hash).
 */
@Injectable()
export class ConnectPaySandboxJournalMiddleware implements NestMiddleware {
  constructor(private readonly store: ConnectPaySandboxStore) {}

  use(req: Request, res: Response, next: NextFunction): void {
    journalRequest(req, res, next, {
      controlPrefix: `${CONNECTPAY_SANDBOX_PATH}/__control`,
      now: () => this.store.now(),
      on: 'finish',
      record: (seen) => {
        const note = journalNote(res);
        const optional = Object.fromEntries(
          (['requestId', 'clientId', 'grantType', 'personId', 'customerId', 'tokenHash', 'errorCode'] as const).filter((k) => note[k] !== undefined).map((k) => [k, note[k]]),
        );
        this.store.recordRequest({
          at: seen.at,
          method: seen.method,
          path: seen.path,
          queryKeys: seen.queryKeys,
          operation: note.operation ?? 'unknown',
          status: seen.status,
          durationMs: seen.durationMs,
          ...optional,
        });
      },
    });
  }
}
