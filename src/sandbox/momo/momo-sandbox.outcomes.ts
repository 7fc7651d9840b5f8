import {
  MOMO_ACCOUNT_HOLDERS,
  MOMO_REASON_MESSAGES,
  MOMO_TEST_NUMBERS,
  type MomoAccountHolderBehaviour,
  type MomoOutcome,
  type MomoReasonFormat,
  type MomoSandboxSettings,
  type MomoStatus,
  type MomoTransactionKind,
} from './momo-sandbox.constants.js';
import { formatCents } from './momo-sandbox.money.js';
import type { AccountHolderIdType, Party } from './momo-sandbox.rules.js';

/** What a new transaction will do: its outcome and after how many virtual seconds (null: never final). */
export interface PlannedOutcome {
  outcome: MomoOutcome;
  afterSeconds: number | null;
  source: 'default' | 'test-number';
}

/**
 * The outcome the sandbox gives a transaction by its party (payer of a requesttopay, payee of a
 * transfer): the §9.2/§9.3 test numbers, and success for every other party (§9.2 "Any other number
 * results in Success"). Only MSISDN parties have test values.
 */
export function outcomeForParty(kind: MomoTransactionKind, party: Party, settings: MomoSandboxSettings): PlannedOutcome {
  const behaviour = party.partyIdType === 'MSISDN' ? MOMO_TEST_NUMBERS[kind][party.partyId] : undefined;
  switch (behaviour?.kind) {
    case 'failed':
      return { outcome: { status: 'FAILED', reason: behaviour.reason }, afterSeconds: settings.pendingSeconds, source: 'test-number' };
    case 'ongoing':
      return settings.ongoingSeconds === null
        ? { outcome: { status: 'PENDING' }, afterSeconds: null, source: 'test-number' }
        : { outcome: { status: 'SUCCESSFUL' }, afterSeconds: settings.ongoingSeconds, source: 'test-number' };
    case 'delayed':
      return { outcome: { status: 'SUCCESSFUL' }, afterSeconds: settings.delayedSeconds, source: 'test-number' };
    default:
      return { outcome: { status: 'SUCCESSFUL' }, afterSeconds: settings.pendingSeconds, source: 'default' };
  }
}

/** How `accountholder/…/active` and `basicuserinfo` treat this account holder; undefined = an ordinary active one. */
export function accountHolderBehaviour(type: AccountHolderIdType, id: string): MomoAccountHolderBehaviour | undefined {
  return MOMO_ACCOUNT_HOLDERS[type][id];
}

/** `reason` as MoMo sends it in practice (a string, §7.2), or as the OpenAPI file describes it (`{code,message}`). */
export function reasonValue(reason: string, format: MomoReasonFormat): string | { code: string; message: string } {
  return format === 'string' ? reason : { code: reason, message: MOMO_REASON_MESSAGES[reason] ?? 'The transaction failed.' };
}

/** The parts of a transaction its status body is made of. */
export interface StatusSource {
  kind: MomoTransactionKind;
  amountCents: number;
  currency: string;
  externalId?: string;
  party: Party;
  payerMessage?: string;
  payeeNote?: string;
  status: MomoStatus;
  reason?: string;
  financialTransactionId?: string;
}

/**
 * The body of `GET …/requesttopay/{id}` (RequestToPayResult) or `GET …/transfer/{id}` (TransferResult),
 * which is also the callback body (§6, §10): no referenceId; `financialTransactionId` only when
 * SUCCESSFUL; `reason` only when FAILED; the amount normalised ("12.50" → "12.5"); fields the request
 * did not carry are left out.
 */
export function statusBody(tx: StatusSource, format: MomoReasonFormat): Record<string, unknown> {
  return {
    ...(tx.status === 'SUCCESSFUL' && tx.financialTransactionId ? { financialTransactionId: tx.financialTransactionId } : {}),
    ...(tx.externalId !== undefined ? { externalId: tx.externalId } : {}),
    amount: formatCents(tx.amountCents),
    currency: tx.currency,
    [tx.kind === 'requesttopay' ? 'payer' : 'payee']: { partyIdType: tx.party.partyIdType, partyId: tx.party.partyId },
    ...(tx.payerMessage !== undefined ? { payerMessage: tx.payerMessage } : {}),
    ...(tx.payeeNote !== undefined ? { payeeNote: tx.payeeNote } : {}),
    status: tx.status,
    ...(tx.status === 'FAILED' && tx.reason ? { reason: reasonValue(tx.reason, format) } : {}),
  };
}
