import type { PaymentStatus } from '../../payments/payment.entity.js';
import { AppError } from '../../common/errors/app-error.js';

/* Pure translations between MoMo's wire format and Gatehouse's terms. */

/** An answer from MoMo that cannot be read: the provider's fault (502), in the one error type. */
function wireError(message: string): AppError {
  return new AppError('PROVIDER_ERROR', `MoMo sent something unreadable: ${message}.`);
}

/** Minor units -> MoMo's decimal string for a 2-decimal currency: 1250 -> "12.50". */
export function toMomoAmount(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor <= 0) throw new AppError('VALIDATION_FAILED', 'The amount must be a positive whole number of minor units.', { errors: [{ field: 'amount.value', message: 'must be a positive integer' }] });
  const units = BigInt(minor);
  return `${units / 100n}.${(units % 100n).toString().padStart(2, '0')}`;
}

/** MoMo's (normalised) decimal string -> minor units: "12.5" -> 1250, "5" -> 500. */
export function fromMomoAmount(value: unknown): number {
  const match = typeof value === 'string' ? /^(\d{1,13})(?:\.(\d{1,2})0*)?$/.exec(value.trim()) : null;
  if (!match) throw wireError(`not a MoMo amount: ${JSON.stringify(value)}`);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/**
 * payerMessage / payeeNote: MoMo rejects some characters (& and ' among them) and long texts,
 * sometimes by never creating the transaction. Keep the safe ones and at most 160.
 */
export function momoMessage(text: string | undefined, fallback: string): string {
  const safe = (text ?? '').replace(/[^A-Za-z0-9 ._-]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 160);
  return safe || fallback.replace(/[^A-Za-z0-9 ._-]/g, '').slice(0, 160);
}

/** MSISDN as MoMo wants it: digits only, E.164 without the plus. */
export function momoMsisdn(value: string): string {
  return value.replace(/^\+/, '');
}

export interface MomoStatus {
  status: PaymentStatus;
  /** MoMo's status word as received. */
  wireStatus: string;
  reason: string | null;
  financialTransactionId: string | null;
}

/**
 * A status body (GET or callback). Only SUCCESSFUL and FAILED are final; CREATED, PENDING and any
 * word we do not know stay pending. CANCELLED (seen in one client) counts as failed.
 */
export function mapMomoStatus(body: Record<string, unknown>): MomoStatus {
  const wireStatus = typeof body.status === 'string' ? body.status.toUpperCase() : 'UNKNOWN';
  const status: PaymentStatus = wireStatus === 'SUCCESSFUL' ? 'succeeded' : wireStatus === 'FAILED' || wireStatus === 'CANCELLED' ? 'failed' : 'pending';
  return {
    status,
    wireStatus,
    reason: reasonOf(body.reason),
    financialTransactionId: typeof body.financialTransactionId === 'string' ? body.financialTransactionId : null,
  };
}

/** `reason` is a plain string in practice and `{code, message}` in MoMo's OpenAPI file: take both. */
export function reasonOf(reason: unknown): string | null {
  if (typeof reason === 'string' && reason) return reason;
  if (reason && typeof reason === 'object' && typeof (reason as { code?: unknown }).code === 'string') return (reason as { code: string }).code;
  return null;
}
