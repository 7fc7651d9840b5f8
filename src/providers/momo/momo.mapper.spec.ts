import { fromMomoAmount, mapMomoStatus, momoMessage, momoMsisdn, reasonOf, toMomoAmount } from './momo.mapper.js';

describe('MoMo mapper', () => {
  it('converts minor units to MoMo decimals and reads MoMo’s normalised echo', () => {
    expect(toMomoAmount(1250)).toBe('12.50');
    expect(toMomoAmount(5)).toBe('0.05');
    for (const [text, minor] of [['12.5', 1250], ['12.50', 1250], ['5', 500], ['0.05', 5]] as const) expect(fromMomoAmount(text)).toBe(minor);
    for (const bad of ['12.505', '-1', 'x', 12.5]) expect(() => fromMomoAmount(bad)).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR' }));
    expect(() => toMomoAmount(0)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('treats only SUCCESSFUL and FAILED (and CANCELLED) as final; anything else stays pending', () => {
    expect(mapMomoStatus({ status: 'SUCCESSFUL', financialTransactionId: '1195582132' })).toEqual({ status: 'succeeded', wireStatus: 'SUCCESSFUL', reason: null, financialTransactionId: '1195582132' });
    expect(mapMomoStatus({ status: 'FAILED', reason: 'APPROVAL_REJECTED' }).status).toBe('failed');
    expect(mapMomoStatus({ status: 'CANCELLED' }).status).toBe('failed');
    for (const word of ['PENDING', 'CREATED', 'ONGOING', undefined]) expect(mapMomoStatus({ status: word }).status).toBe('pending');
  });

  it('takes reason as a string or as {code, message}', () => {
    expect(reasonOf('PAYER_NOT_FOUND')).toBe('PAYER_NOT_FOUND');
    expect(reasonOf({ code: 'NOT_ENOUGH_FUNDS', message: 'x' })).toBe('NOT_ENOUGH_FUNDS');
    expect(reasonOf(undefined)).toBeNull();
  });

  it('keeps messages within MoMo’s rules and numbers in its format', () => {
    expect(momoMessage("Tom's order & more", 'x')).toBe('Tom s order more');
    expect(momoMessage('a'.repeat(300), 'x')).toHaveLength(160);
    expect(momoMessage('&&&', 'order-1')).toBe('order-1');
    expect(momoMsisdn('+46733123450')).toBe('46733123450');
  });
});
