import {
  fromAmountText,
  fromPacoAmount,
  mapPaymentStatus,
  mapResponseCode,
  newPacoOrderNo,
  pick,
  readEnvelope,
  readOrder,
  readOrders,
  readPaymentData,
  readPlainError,
  toAmountText,
  toDecimalText,
  toPacoAmount,
} from './paco.mapper.js';

const order = (extra: Record<string, unknown> = {}) => ({
  orderNo: 'GH0123456789ABCDEFGH',
  controllerInternalID: 'a'.repeat(32),
  paymentStatusInfo: { PaymentStatus: 'A', PaymentStep: 'PA', LastUpdatedDateTime: '2026-01-14T06:21:41Z' },
  transactionAmount: { AmountText: '000000001050', CurrencyCode: 'THB', DecimalPlaces: 2, Amount: 10.5 },
  settlementAmount: null,
  refundAmount: null,
  issuerApprovalCode: '141857',
  creditCardDetails: { cardNumber: 'XXXXXXXXXXXX1111' },
  ...extra,
});

describe('PACO mapper', () => {
  it('writes amountText as 12 digits of minor units with the decimal value beside it', () => {
    expect(toAmountText(1050)).toBe('000000001050');
    expect(toAmountText(999_999_999_999)).toBe('999999999999');
    for (const bad of [0, -1, 1.5, 1_000_000_000_000]) expect(() => toAmountText(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(toPacoAmount(1050, 'THB')).toEqual({ amountText: '000000001050', currencyCode: 'THB', decimalPlaces: 2, amount: 10.5 });
    expect(toPacoAmount(1050, 'JPY')).toEqual({ amountText: '000000001050', currencyCode: 'JPY', decimalPlaces: 0, amount: 1050 });
    // The largest amount survives the decimal text -> JSON number -> text round trip exactly.
    expect(JSON.stringify(toPacoAmount(999_999_999_999, 'THB').amount)).toBe('9999999999.99');
    expect(toDecimalText(5, 2)).toBe('0.05');
    expect(() => toPacoAmount(100, 'XXX')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('reads amountText back, refusing anything but 12 digits and a wrong exponent', () => {
    expect(fromAmountText('000000001050')).toBe(1050);
    for (const bad of ['10.50', '1050', '0000000010500', 1050, null]) expect(() => fromAmountText(bad)).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR' }));
    expect(fromPacoAmount({ amountText: '000000000100', currencyCode: 'thb', decimalPlaces: 2 })).toEqual({ minor: 100, currency: 'THB' });
    expect(fromPacoAmount(null)).toBeNull();
    expect(() => fromPacoAmount({ AmountText: '000000000100', CurrencyCode: 'THB', DecimalPlaces: 0 })).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR' }));
  });

  it('maps response codes explicitly; an unknown code is unknown, never success or failure', () => {
    expect(mapResponseCode('PC-B050000')).toBe('success');
    expect(mapResponseCode('PC-B050001')).toBe('pending');
    expect(mapResponseCode('PC-B050002')).toBe('authentication');
    expect(mapResponseCode('PC-B053001')).toBe('declined');
    expect(mapResponseCode('PC-B052102')).toBe('refused');
    expect(mapResponseCode('PC-B052002')).toBe('duplicate_order');
    expect(mapResponseCode('PC-B052101')).toBe('not_found');
    for (const code of ['PC-B059999', 'XX', undefined]) expect(mapResponseCode(code)).toBe('unknown');
  });

  it('maps PaymentStatus/Step explicitly; authorised is succeeded uncaptured; unknown is pending', () => {
    expect(mapPaymentStatus('A', 'PA')).toEqual({ status: 'succeeded', captured: false });
    expect(mapPaymentStatus('S', 'ST')).toEqual({ status: 'succeeded', captured: true });
    expect(mapPaymentStatus('V', 'VD').status).toBe('canceled');
    expect(mapPaymentStatus('R', 'RF').status).toBe('refunded');
    expect(mapPaymentStatus('R', 'RR')).toEqual({ status: 'succeeded', captured: true });
    expect(mapPaymentStatus('F', 'F').status).toBe('failed');
    expect(mapPaymentStatus('I', 'AC').status).toBe('requires_action');
    expect(mapPaymentStatus('PCPS', 'GP').status).toBe('requires_action');
    expect(mapPaymentStatus('a', 'pa').status).toBe('succeeded');
    for (const [status, step] of [['P', 'PR'], ['P', 'IN'], ['R', 'XX'], ['Q', 'Q'], [undefined, undefined]] as const) expect(mapPaymentStatus(status, step).status).toBe('pending');
  });

  it('parses envelopes and orders whatever the key casing', () => {
    const pascal = readEnvelope({ Data: { paymentResult: order() }, Version: '1.0', ApiResponse: { ResponseCode: 'PC-B050000', ResponseDescription: 'Success', ResponseToRequestMessageId: 'abc' } });
    const camel = readEnvelope({ data: { paymentresult: order() }, apiResponse: { responseCode: 'PC-B050000', responseDescription: 'Success', responseToRequestMessageId: 'abc' } });
    expect({ ...pascal, data: undefined }).toEqual({ ...camel, data: undefined });
    expect(readPaymentData(pascal.data)).toEqual(readPaymentData(camel.data));
    expect(readPaymentData(camel.data).order?.orderNo).toBe('GH0123456789ABCDEFGH');
    expect(pascal).toMatchObject({ code: 'PC-B050000', description: 'Success', inReplyTo: 'abc' });
    expect(readEnvelope({ ApiResponse: { ResponseCode: 'PC-B050000', ResponseToRequestMessageId: null } }).inReplyTo).toBeNull();
    expect(() => readEnvelope({ Data: {} })).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR' }));
    expect(pick({ AmountText: 'x', amountText: 'y' }, 'amountText')).toBe('y');

    const info = readOrder(order({ settlementAmount: { amounttext: '000000001000', currencycode: 'THB', decimalplaces: 2 } }));
    expect(info).toMatchObject({ orderNo: 'GH0123456789ABCDEFGH', paymentStatus: 'A', paymentStep: 'PA', amount: { minor: 1050, currency: 'THB' }, settledMinor: 1000, refundedMinor: 0, approvalCode: '141857', cardLast4: '1111' });
    expect(() => readOrder({ paymentStatusInfo: {} })).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR' }));
  });

  it('reads payment data (result member, page), inquiry arrays and plain-JSON errors', () => {
    const hosted = readPaymentData({
      paymentIncompleteResult: order({ paymentStatusInfo: { PaymentStatus: 'PCPS', PaymentStep: 'GP' } }),
      paymentPage: { paymentPageURL: 'https://payment.demo-paco.2c2p.com/payment/?pid=x&lang=en-US', validTillDateTime: '2026-01-14T07:00:00Z' },
    });
    expect(hosted.order?.mapped.status).toBe('requires_action');
    expect(hosted.pageUrl).toBe('https://payment.demo-paco.2c2p.com/payment/?pid=x&lang=en-US');
    expect(hosted.pageValidUntil?.toISOString()).toBe('2026-01-14T07:00:00.000Z');
    expect(readPaymentData({ paymentPage: { paymentPageURL: 'javascript:alert(1)' } }).pageUrl).toBeNull();
    expect(readPaymentData(null)).toEqual({ order: null, pageUrl: null, pageValidUntil: null });
    const challenge = readPaymentData({ paymentIncompleteResult: order({ aresACSChallenge: { acsURL: 'https://acs.example/c' } }) });
    expect(challenge.order?.challengeUrl).toBe('https://acs.example/c');
    expect(readOrders([order(), order({ orderNo: 'B' })]).map((o) => o.orderNo)).toEqual(['GH0123456789ABCDEFGH', 'B']);
    expect(readOrders(order())).toHaveLength(1);
    expect(readOrders(null)).toEqual([]);
    expect(readPlainError({ apiResponse: { responseCode: 'PC-B050901', responseDescription: 'Access Denied' } })).toEqual({ code: 'PC-B050901', description: 'Access Denied' });
    expect(readPlainError({ error: 'invalid_request', message: 'bad' })).toEqual({ code: 'invalid_request', description: 'bad' });
    expect(readPlainError('<html>')).toEqual({ code: 'unknown', description: '' });
  });

  it('makes 20-character PACO order numbers from 90 random bits', () => {
    const a = newPacoOrderNo(Buffer.alloc(12, 0));
    const b = newPacoOrderNo(Buffer.alloc(12, 255));
    expect(a).toBe('GH000000000000000000');
    expect(b).toMatch(/^GH[0-9A-Z]{18}$/);
    expect(b).toHaveLength(20);
    expect(() => newPacoOrderNo(Buffer.alloc(4))).toThrow();
  });
});
