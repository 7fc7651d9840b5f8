import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppError } from '../../common/errors/app-error.js';
import { toPayseraError, type MacCredentialRecord } from '../../crypto/paysera-mac.service.js';
import { PAYSERA_MESSAGES, PAYSERA_OPERATION_SCOPES } from './paysera-sandbox.constants.js';
import { type AccessToken, PayseraSandboxStore, type SandboxClient } from './paysera-sandbox.store.js';
import { type JournalNote, macRequestParts, payseraError, type WireReply } from './paysera-sandbox.wire.js';

export type Caller = { kind: 'client'; client: SandboxClient } | { kind: 'user'; client: SandboxClient; token: AccessToken };

/**
 * MAC verification of every signed call (A.6), done by PayseraMacService: the id is a client_id
 * (client credentials) or an access token (user calls). The store owns the service, so its clock is
 * the skewable server clock. Token expiry runs on virtual time, so it is decided here and handed to
 * verify() as an expiry in the past, which verify() reports as invalid_grant "Token has expired".
 */
@Injectable()
export class PayseraSandboxAuth {
  constructor(private readonly store: PayseraSandboxStore) {}

  async verify(req: Request, raw: Buffer, note: JournalNote, accept: 'client' | 'user' | 'any'): Promise<Caller | WireReply> {
    let caller: Caller | undefined;
    const lookup = (id: string): MacCredentialRecord | undefined => {
      const client = this.store.findClient(id);
      if (client) {
        caller = { kind: 'client', client };
        return { macKey: client.macKey };
      }
      const token = this.store.findAccessToken(id);
      const owner = token && this.store.findClient(token.clientId);
      if (!token || !owner) return undefined;
      caller = { kind: 'user', client: owner, token };
      return token.expiresAtMs <= this.store.now() ? { macKey: token.macKey, expiresAt: 0 } : { macKey: token.macKey };
    };
    try {
      await this.store.mac.verify({ ...macRequestParts(req), authorization: req.headers.authorization, body: raw }, lookup);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const { status, body } = toPayseraError(error);
      return payseraError(body.error, body.error_description, status);
    }
    const verified = caller!;
    note.clientId = verified.client.clientId;
    note.credential = verified.kind;
    if (verified.kind === 'user') note.userId = verified.token.userId;
    if (accept === 'client' && verified.kind !== 'client') return payseraError('forbidden', PAYSERA_MESSAGES.clientOnly);
    if (accept === 'user' && verified.kind !== 'user') return payseraError('forbidden', PAYSERA_MESSAGES.userOnly);
    return verified;
  }

  /** A user token must carry one of the scopes the operation needs; client calls need none. */
  checkScope(caller: Caller, operation: keyof typeof PAYSERA_OPERATION_SCOPES): WireReply | undefined {
    if (caller.kind !== 'user') return undefined;
    const needed: readonly string[] = PAYSERA_OPERATION_SCOPES[operation];
    if (needed.some((scope) => caller.token.scopes.includes(scope))) return undefined;
    return payseraError('forbidden', `Insufficient scope: this call needs ${needed.join(' or ')}`);
  }
}
