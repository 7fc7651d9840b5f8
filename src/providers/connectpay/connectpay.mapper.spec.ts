import { parse as parseLossless } from 'lossless-json';
import { AppError } from '../../common/errors/app-error.js';
import {
  apiErrorFrom,
  fromConnectPayAmount,
  isValidIban,
  mapAccounts,
  mapPayment,
  mapPaymentStatus,
  mapTransaction,
  mapTransactions,
  PAYMENT_STATUS_MAP,
  paymentBody,
  problemFor,
  scopeMixProblem,
  tokenSetFromConnectPay,
  toConnectPayAmount,
} from './connectpay.mapper.js';

/** As the client reads ConnectPay: numbers stay strings. */
const wire = (json: string) => parseLossless(json, null, (value: string) => value) as Record<string, unknown>;

const expectProviderError = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('PROVIDER_ERROR');
    return;
  }
  throw new Error('expected a PROVIDER_ERROR');
};

describe('ConnectPay mapper', () => {
  describe('token response', () => {
    it('reads the documented sample: expires_in a number, refresh_token_expires_in a string', () => {
      const set = tokenSetFromConnectPay(
        wire(`{ "token_type": "Bearer", "access_token": "a6bcc5df-6c04-345b-b55c-c58c16b8cd40", "refresh_token": "e6e0cb4f-d822-3809-9981-588291bee1d1",
                "expires_in": 3600, "client_customer_name": "Mo********co", "scope": "ob-ps:authz-nosca ob-ps ob-as", "refresh_token_expires_in": "2592000" }`),
      );
      expect(set).toEqual({
        accessToken: 'a6bcc5df-6c04-345b-b55c-c58c16b8cd40',
        refreshToken: 'e6e0cb4f-d822-3809-9981-588291bee1d1',
        tokenType: 'bearer',
        expiresIn: 3600,
        refreshExpiresIn: 2592000,
        scope: ['ob-ps:authz-nosca', 'ob-ps', 'ob-as'],
      });
      expect(set).not.toHaveProperty('subject');
    });

    it('takes either type for both lifetimes, and the PSU ids when both are sent', () => {
      const set = tokenSetFromConnectPay({
        token_type: 'bearer',
        access_token: 'at',
        refresh_token: 'rt',
        expires_in: '3600',
        refresh_token_expires_in: 2592000,
        scope: 'psd2-ais  psd2-pis',
        person_id: 'PRS-1001',
        customer_id: 'CUS-2001',
      });
      expect(set).toMatchObject({ expiresIn: 3600, refreshExpiresIn: 2592000, scope: ['psd2-ais', 'psd2-pis'], subject: { personId: 'PRS-1001', customerId: 'CUS-2001' } });
      // Half a PSU is no binding.
      expect(tokenSetFromConnectPay({ access_token: 'at', person_id: 'PRS-1001' })).not.toHaveProperty('subject');
      expect(tokenSetFromConnectPay({ access_token: 'at' })).toMatchObject({ tokenType: 'bearer', expiresIn: undefined, refreshExpiresIn: undefined, refreshToken: undefined });
    });

    it('refuses an answer it cannot use', () => {
      expectProviderError(() => tokenSetFromConnectPay({ token_type: 'Bearer' }));
      expectProviderError(() => tokenSetFromConnectPay({ access_token: 'at', token_type: 'mac' }));
      expectProviderError(() => tokenSetFromConnectPay({ access_token: 'at', refresh_token_expires_in: 'thirty days' }));
      expectProviderError(() => tokenSetFromConnectPay({ access_token: 'at', expires_in: '-5' }));
    });
  });

  describe('amounts', () => {
    it('cents to decimal strings', () => {
      expect(toConnectPayAmount(10025)).toBe('100.25');
      expect(toConnectPayAmount(1)).toBe('0.01');
      expect(toConnectPayAmount(500)).toBe('5.00');
      expect(toConnectPayAmount(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
      for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => toConnectPayAmount(bad)).toThrow(AppError);
    });

    it('decimal strings to cents, without floating point', () => {
      expect(fromConnectPayAmount('2450.75')).toBe(245075);
      expect(fromConnectPayAmount('0.1')).toBe(10);
      expect(fromConnectPayAmount('12')).toBe(1200);
      expect(fromConnectPayAmount('48210.300')).toBe(4821030);
      expect(fromConnectPayAmount('-3.10')).toBe(-310);
      expect(fromConnectPayAmount('-0.00')).toBe(0);
      // 0.29 * 100 is 28.999999999999996 in floating point; strings are exact.
      expect(fromConnectPayAmount('0.29')).toBe(29);
      expect(fromConnectPayAmount(wire('{"v": 1234567890123.45}').v)).toBe(123456789012345);
      for (const bad of ['1.005', '12,50', '', 'EUR 5', '1e3', 12.5, null]) expectProviderError(() => fromConnectPayAmount(bad));
    });
  });

  describe('payment status', () => {
    it.each([
      ['RCVD', 'pending'],
      ['PDNG', 'pending'],
      ['ACTC', 'pending'],
      ['ACCP', 'pending'],
      ['ACSP', 'pending'],
      ['ACWC', 'pending'],
      ['PATC', 'pending'],
      ['ACSC', 'succeeded'],
      ['ACCC', 'succeeded'],
      ['RJCT', 'failed'],
      ['CANC', 'canceled'],
      ['acsc', 'succeeded'],
    ])('%s -> %s', (word, status) => {
      expect(mapPaymentStatus(word).status).toBe(status);
    });

    it('anything unknown or missing is pending, never final', () => {
      for (const word of ['DONE', 'SUCCESS', 'ACSCX', '', undefined, 7, null]) expect(mapPaymentStatus(word).status).toBe('pending');
      expect(mapPaymentStatus(undefined).wireStatus).toBe('UNKNOWN');
      expect(Object.values(PAYMENT_STATUS_MAP).filter((s) => s !== 'pending').length).toBe(4);
    });

    it('reads a payment with its reason code in words', () => {
      expect(mapPayment({ paymentOrderNo: 'PO20261115000001', status: 'RJCT', reasonCode: 'AM04' })).toEqual({
        paymentOrderNo: 'PO20261115000001',
        status: 'failed',
        wireStatus: 'RJCT',
        reasonCode: 'AM04',
        reason: 'Insufficient funds',
      });
      expect(mapPayment({ paymentOrderNo: 'PO1', status: 'ACTC' })).toMatchObject({ status: 'pending', reasonCode: null, reason: null });
      expectProviderError(() => mapPayment({ status: 'RCVD' }));
      expectProviderError(() => mapPayment({ paymentOrderNo: '../x', status: 'RCVD' }));
    });

    it('builds the payment body with the amount as a decimal string', () => {
      expect(paymentBody({ debtorIban: 'lt44 3990 0000 0001 0001', creditorName: 'Shop', creditorIban: 'LT923990000000020001', amountMinor: 10025, endToEndId: 'E2E' })).toEqual({
        debtorAccount: { iban: 'LT443990000000010001' },
        creditorName: 'Shop',
        creditorAccount: { iban: 'LT923990000000020001' },
        amount: { value: '100.25', currency: 'EUR' },
        endToEndId: 'E2E',
      });
    });
  });

  describe('account information', () => {
    it('reads the account list with the PSU and balances in cents', () => {
      const list = mapAccounts(
        wire(`{"personId":"PRS-1001","customerId":"CUS-2001","customerName":"Jonas Petraitis","customerType":"PRIVATE","accounts":[
          {"accountId":"a1","iban":"LT443990000000010001","name":"Current account","currency":"EUR","customerId":"CUS-2001",
           "balances":[{"balanceType":"interimBooked","amount":{"value":"2450.75","currency":"EUR"}},{"balanceType":"interimAvailable","amount":{"value":"2350.50","currency":"EUR"}}]}]}`),
      );
      expect(list).toEqual({
        psu: { personId: 'PRS-1001', customerId: 'CUS-2001' },
        customerName: 'Jonas Petraitis',
        customerType: 'PRIVATE',
        accounts: [
          {
            accountId: 'a1',
            iban: 'LT443990000000010001',
            name: 'Current account',
            currency: 'EUR',
            customerId: 'CUS-2001',
            balances: [
              { type: 'interimBooked', amount: { value: 245075, currency: 'EUR' } },
              { type: 'interimAvailable', amount: { value: 235050, currency: 'EUR' } },
            ],
          },
        ],
      });
      expect(mapAccounts({ accounts: [] }).psu).toBeUndefined();
      expectProviderError(() => mapAccounts({ personId: 'p' }));
      expectProviderError(() => mapAccounts({ accounts: [{ accountId: 'a' }] }));
    });

    it('reads transactions: unsigned amount plus direction, or a signed amount alone', () => {
      expect(mapTransaction({ transactionId: 't1', amount: { value: '12.50', currency: 'EUR' }, creditDebitIndicator: 'DBIT', counterpartyAccount: { iban: 'LT86' } })).toMatchObject({
        direction: 'debit',
        amount: { value: 1250, currency: 'EUR' },
        counterpartyIban: 'LT86',
        status: 'BOOK',
      });
      expect(mapTransaction({ transactionId: 't2', amount: { value: '-7.00', currency: 'EUR' } })).toMatchObject({ direction: 'debit', amount: { value: 700 } });
      expect(mapTransaction({ transactionId: 't3', amount: { value: '7', currency: 'EUR' } })).toMatchObject({ direction: 'credit', amount: { value: 700 } });
      expectProviderError(() => mapTransaction({ transactionId: 't4', amount: { value: '7', currency: 'EUR' }, creditDebitIndicator: 'UP' }));
      const page = mapTransactions(wire('{"accountId":"a1","pageNo":2,"pageSize":1,"totalCount":2,"totalPages":2,"transactions":[]}'));
      expect(page).toMatchObject({ pageNo: 2, pageSize: 1, totalCount: 2, totalPages: 2, transactions: [] });
      expectProviderError(() => mapTransactions({ accountId: 'a1', pageNo: 'x', pageSize: 1, totalCount: 0, totalPages: 0, transactions: [] }));
    });
  });

  describe('scopes, IBANs and refusals', () => {
    it('names a mix of PSD2 and other scopes; PSD2 alone or others alone are not a mix', () => {
      expect(scopeMixProblem(['psd2-ais', 'ob-as'])).toMatch(/cannot be mixed.*ob-as/);
      expect(scopeMixProblem(['psd2-ais', 'psd2-pis'])).toBeUndefined();
      expect(scopeMixProblem(['ob-as'])).toBeUndefined();
    });

    it('checks IBAN check digits', () => {
      expect(isValidIban('LT443990000000010001')).toBe(true);
      expect(isValidIban('lt44 3990 0000 0001 0001')).toBe(true);
      expect(isValidIban('LT453990000000010001')).toBe(false);
      expect(isValidIban('LT000000000000000000')).toBe(false);
    });

    it('maps ConnectPay refusals to merchant problems', () => {
      const err = (status: number, code: string) => apiErrorFrom(status, { code, message: 'x\ny', requestId: 'r' }, 'r');
      expect(problemFor(err(403, 'ACCESS_FORBIDDEN'), 'account').code).toBe('CONSENT_PSU_MISMATCH');
      expect(problemFor(err(403, 'INSUFFICIENT_SCOPE'), 'account').code).toBe('CONSENT_SCOPE_MISSING');
      expect(problemFor(err(404, 'ACCOUNT_NOT_FOUND'), 'account').code).toBe('NOT_FOUND');
      expect(problemFor(err(400, 'INVALID_DEBTOR_ACCOUNT'), 'debtor account', 'payment')).toMatchObject({ code: 'PROVIDER_REJECTED', message: expect.stringMatching(/refused the payment \(INVALID_DEBTOR_ACCOUNT: x y\)/) });
      expect(apiErrorFrom(418, {}, 'r').code).toBe('HTTP_418');
    });
  });
});
