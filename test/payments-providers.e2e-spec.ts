import { CONNECTPAY_ACCOUNTS, PACO_APPROVED_CARD, validConnectPayConsent } from './helpers/provider-flows.js';
import { call, createMerchant, expectProblem, startTestApp, type TestApp } from './helpers/test-app.js';

const RETURN_URL = 'https://shop.example/return';

/** Every provider behind POST /v1/payments: the same request shape, the same statuses, the same rows. */
describe('One payments API over ConnectPay, Paysera and PACO', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ VELOCITY_MAX_PAYMENTS_PER_HOUR: '0' });
    ({ key } = await createMerchant(t.baseUrl, 'Every provider', { allowedReturnUrls: [RETURN_URL] }));
  });
  afterAll(() => t.close());

  const pay = (json: unknown) => call(t.baseUrl, 'POST', '/v1/payments', { token: key, json });

  it('lists the configured providers', async () => {
    expect((await call(t.baseUrl, 'GET', '/v1/payments/providers', { token: key })).body.providers).toEqual(['connectpay', 'momo', 'paco', 'paga', 'paysera']);
  });

  it('PACO hosted: requires_action with the card page; GET shows the same nextAction; cancel voids nothing that is not authorised', async () => {
    const created = await pay({ provider: 'paco', reference: 'paco-h-1', amount: { value: 125_00, currency: 'THB' }, description: 'Concert ticket' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'paco', status: 'requires_action', nextAction: { type: 'redirect', redirectUrl: expect.stringContaining('/sandbox/paco/') } });
    const again = await call(t.baseUrl, 'GET', `/v1/payments/${created.body.id}`, { token: key });
    expect(again.body.nextAction.redirectUrl).toBe(created.body.nextAction.redirectUrl);
    expect(again.body.history.map((h: { to: string }) => h.to)).toEqual(['pending', 'requires_action']);
  });

  it('PACO direct: an approved card is succeeded (authorised); refund before settlement is a 409; cancel voids it, once', async () => {
    const card = PACO_APPROVED_CARD;
    const bad = expectProblem(await pay({ provider: 'paco', reference: 'paco-d-0', amount: { value: 500, currency: 'THB' }, options: { flow: 'direct', card: { number: '41x' } } }), 400, 'VALIDATION_FAILED');
    expect(bad.errors.map((e: { field: string }) => e.field).sort()).toEqual(['options.card.cvv', 'options.card.expiryMMYY', 'options.card.number']);
    const created = await pay({ provider: 'paco', reference: 'paco-d-1', amount: { value: 990_00, currency: 'THB' }, options: { flow: 'direct', card } });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('succeeded');
    expect(created.text).not.toContain('4111111111111111');
    expectProblem(await call(t.baseUrl, 'POST', `/v1/payments/${created.body.id}/refund`, { token: key, json: {} }), 409, 'CONFLICT');
    const voided = await call(t.baseUrl, 'POST', `/v1/payments/${created.body.id}/cancel`, { token: key, json: {} });
    expect(voided.status).toBe(200);
    expect(voided.body.status).toBe('canceled');
    // Cancelling again is harmless: the same canceled payment, PACO not asked again.
    const again = await call(t.baseUrl, 'POST', `/v1/payments/${created.body.id}/cancel`, { token: key, json: {} });
    expect({ status: again.status, payment: again.body.status }).toEqual({ status: 200, payment: 'canceled' });
    expectProblem(await call(t.baseUrl, 'POST', `/v1/payments/${created.body.id}/refund`, { token: key, json: {} }), 409, 'CONFLICT');
  });

  it('Paysera: requires_action with the confirmation page; cancel revokes it', async () => {
    const created = await pay({ provider: 'paysera', reference: 'ps-1', amount: { value: 12_50, currency: 'EUR' }, description: 'Order ps-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'paysera', status: 'requires_action', nextAction: { redirectUrl: expect.stringContaining('/sandbox/paysera/') } });
    const revoked = await call(t.baseUrl, 'POST', `/v1/payments/${created.body.id}/cancel`, { token: key, json: {} });
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('canceled');
    expectProblem(await call(t.baseUrl, 'POST', `/v1/payments/${created.body.id}/refund`, { token: key, json: {} }), 422, 'PROVIDER_OPERATION_UNSUPPORTED');
  });

  it('ConnectPay: a PIS payment from the consenting PSU; options are checked by name', async () => {
    const { consentId } = await validConnectPayConsent(t.baseUrl, key, RETURN_URL, { psuReference: 'jonas' });
    const missing = expectProblem(await pay({ provider: 'connectpay', consentId: consentId, reference: 'cp-0', amount: { value: 100, currency: 'EUR' } }), 400, 'VALIDATION_FAILED');
    expect(missing.errors.map((e: { field: string }) => e.field).sort()).toEqual(['options.creditorIban', 'options.creditorName', 'options.debtorIban']);
    const created = await pay({
      provider: 'connectpay',
      consentId: consentId,
      reference: 'cp-1',
      amount: { value: 10_25, currency: 'EUR' },
      description: 'Invoice 7',
      options: { debtorIban: CONNECTPAY_ACCOUNTS.jonasMain.iban, creditorName: 'Shop UAB', creditorIban: CONNECTPAY_ACCOUNTS.business.iban },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'connectpay', kind: 'charge', consentId: consentId, amount: { value: 1025, currency: 'EUR' } });
    expect(['pending', 'succeeded']).toContain(created.body.status);
  });

  it('the list shows every provider’s rows, filterable by provider', async () => {
    const all = await call(t.baseUrl, 'GET', '/v1/payments?limit=100', { token: key });
    expect(new Set(all.body.data.map((p: { provider: string }) => p.provider))).toEqual(new Set(['paco', 'paysera', 'connectpay']));
    const paco = await call(t.baseUrl, 'GET', '/v1/payments?provider=paco', { token: key });
    expect(paco.body.data.map((p: { reference: string }) => p.reference).sort()).toEqual(['paco-d-1', 'paco-h-1']);
  });
});
