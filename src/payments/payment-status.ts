import type { PaymentStatus } from './payment.entity.js';

/**
 * The one payment state machine. Every provider maps its own words onto these statuses; a change
 * that is not an edge here never happens (the ledger's UPDATE names the allowed "from" states).
 *
 * - `requires_action`: the payer must do something first (a hosted page, an SCA step).
 * - `succeeded` -> `canceled`: a void of an authorized, not yet settled card payment.
 * - `succeeded` -> `refunded`: money returned after it moved.
 * - `failed`, `canceled`, `refunded` are final.
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ['requires_action', 'succeeded', 'failed', 'canceled'],
  requires_action: ['pending', 'succeeded', 'failed', 'canceled'],
  succeeded: ['refunded', 'canceled'],
  failed: [],
  canceled: [],
  refunded: [],
};

/** The states a payment may be in for `to` to be reached. */
export function statusesLeadingTo(to: PaymentStatus): PaymentStatus[] {
  return (Object.keys(PAYMENT_TRANSITIONS) as PaymentStatus[]).filter((from) => PAYMENT_TRANSITIONS[from].includes(to));
}

export function isFinalStatus(status: PaymentStatus): boolean {
  return PAYMENT_TRANSITIONS[status].length === 0;
}
