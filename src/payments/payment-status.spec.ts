import { isFinalStatus, PAYMENT_TRANSITIONS, statusesLeadingTo } from './payment-status.js';

describe('the payment state machine', () => {
  it('final states have no way out; nothing leads back to pending from a final state', () => {
    expect(['failed', 'canceled', 'refunded'].every((s) => isFinalStatus(s as never))).toBe(true);
    expect(statusesLeadingTo('pending')).toEqual(['requires_action']);
    expect(statusesLeadingTo('refunded')).toEqual(['succeeded']);
    expect(statusesLeadingTo('canceled').sort()).toEqual(['pending', 'requires_action', 'succeeded']);
    expect(statusesLeadingTo('succeeded').sort()).toEqual(['pending', 'requires_action']);
  });

  it('every status names only known statuses as next', () => {
    const known = Object.keys(PAYMENT_TRANSITIONS);
    for (const next of Object.values(PAYMENT_TRANSITIONS)) for (const s of next) expect(known).toContain(s);
  });
});
