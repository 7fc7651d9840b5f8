import { AppError } from '../common/errors/app-error.js';

export const CONSENT_STATUSES = ['received', 'valid', 'rejected', 'revokedByPsu', 'expired', 'terminatedByTpp'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/**
 * The consent lifecycle (Berlin Group vocabulary). `received` may also end as `expired` (the user
 * never finished within the authorization window) or `terminatedByTpp` (the merchant withdrew it
 * first), so that no consent is ever stuck in between. Terminal states have no way out.
 */
const TRANSITIONS: Record<ConsentStatus, readonly ConsentStatus[]> = {
  received: ['valid', 'rejected', 'expired', 'terminatedByTpp'],
  valid: ['expired', 'revokedByPsu', 'terminatedByTpp'],
  rejected: [],
  revokedByPsu: [],
  expired: [],
  terminatedByTpp: [],
};

export function canTransition(from: ConsentStatus, to: ConsentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(status: ConsentStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

export function assertTransition(from: ConsentStatus, to: ConsentStatus): void {
  if (!canTransition(from, to)) {
    throw new AppError('CONSENT_STATE_CONFLICT', `A consent that is ${from} cannot become ${to}.`);
  }
}
