import { AppError } from '../../common/errors/app-error.js';
import {
  centsToDecimal,
  fromPayseraAmount,
  mapAllowance,
  mapAllowanceStatus,
  mapBalance,
  mapTransaction,
  mapTransactionStatus,
  mapUser,
  parseEvent,
  PAYSERA_TRANSACTION_STATUSES,
  tokenSetFromPaysera,
  toPayseraAmount,
} from './paysera.mapper.js';

describe('paysera.mapper', () => {
  describe('statuses', () => {
    it('maps every transaction and payment word of A.9 explicitly', () => {
      expect(PAYSERA_TRANSACTION_STATUSES).toEqual({
        new: 'requires_action',
        waiting: 'requires_action',
        waiting_registration: 'requires_action',
        waiting_funds: 'pending',
        reserved: 'pending',
        confirmed: 'succeeded',
        done: 'succeeded',
        revoked: 'canceled',
        deleted: 'canceled',
        canceled: 'canceled',
        rejected: 'failed',
        failed: 'failed',
      });
      for (const [word, status] of Object.entries(PAYSERA_TRANSACTION_STATUSES)) expect(mapTransactionStatus(word)).toBe(status);
    });

    it('never turns an unknown word into a success or a failure', () => {
      for (const word of ['frozen', 'CONFIRMED', '', 'toString', '__proto__', undefined, null, 7]) expect(mapTransactionStatus(word)).toBe('pending');
    });

    it('maps allowance statuses, unknown -> pending', () => {
      expect(['new', 'active', 'inactive', 'deleted', 'weird', undefined].map(mapAllowanceStatus)).toEqual(['pending', 'active', 'inactive', 'canceled', 'pending', 'pending']);
    });
  });

  describe('amounts', () => {
    it('writes cents as Paysera wants them: price (integer cents) or price_decimal (a string)', () => {
      expect(toPayseraAmount(1250, 'cents')).toEqual({ price: 1250 });
      expect(toPayseraAmount(1250, 'decimal')).toEqual({ price_decimal: '12.50' });
      expect(toPayseraAmount(7, 'decimal', 'max_price')).toEqual({ max_price_decimal: '0.07' });
      expect(toPayseraAmount(Number.MAX_SAFE_INTEGER, 'decimal')).toEqual({ price_decimal: '90071992547409.91' });
      for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => toPayseraAmount(bad, 'cents')).toThrow(AppError);
      expect(centsToDecimal(-305)).toBe('-3.05');
    });

    it('reads cents (lossless strings or integers) and decimals, and insists they agree', () => {
      expect(fromPayseraAmount({ price: '1250' })).toBe(1250);
      expect(fromPayseraAmount({ price: 1250 })).toBe(1250);
      expect(fromPayseraAmount({ price_decimal: '12.5' })).toBe(1250);
      expect(fromPayseraAmount({ price: '1250', price_decimal: '12.50' })).toBe(1250);
      expect(fromPayseraAmount({ at_disposal: '0', at_disposal_decimal: '0.00' }, 'at_disposal')).toBe(0);
      expect(fromPayseraAmount({ price_decimal: '-0.01' })).toBe(-1);
    });

    it('refuses amounts it cannot represent exactly, as PROVIDER_ERROR', () => {
      for (const body of [{ price: '12.5' }, { price: 12.5 }, { price_decimal: '12.505' }, { price_decimal: '1e3' }, { price_decimal: 12.5 }, { price: '1250', price_decimal: '12.51' }, { price: '99999999999999999' }, {}]) {
        expect(() => fromPayseraAmount(body)).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR' }));
      }
    });
  });

  describe('token response (A.8)', () => {
    const good = { access_token: 'SHR6ZQ1S9Y', token_type: 'mac', mac_algorithm: 'hmac-sha-256', mac_key: 'IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU', expires_in: '3600', refresh_token: 'r' };

    it('keeps the MAC key as the extra secret', () => {
      expect(tokenSetFromPaysera(good)).toEqual({ accessToken: 'SHR6ZQ1S9Y', refreshToken: 'r', tokenType: 'mac', expiresIn: 3600, extraSecret: 'IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU' });
    });

    it('accepts only mac with hmac-sha-256, a MAC key, and an access token usable as a MAC id', () => {
      for (const bad of [
        { ...good, token_type: 'bearer' },
        { ...good, mac_algorithm: 'hmac_sha_256' },
        { ...good, mac_algorithm: 'hmac-sha-1' },
        { ...good, mac_key: '' },
        { ...good, access_token: 'has"quote' },
        { ...good, access_token: 'has space' },
        { ...good, access_token: undefined },
      ]) {
        expect(() => tokenSetFromPaysera(bad)).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR' }));
      }
    });
  });

  describe('resources', () => {
    const transaction = {
      transaction_key: 'pDAlAZ3z',
      created_at: '1700000000',
      status: 'reserved',
      wallet: '2000001',
      payments: [
        { id: '1', price: '1000', price_decimal: '10.00', currency: 'EUR' },
        { id: '2', price_decimal: '2.50', currency: 'EUR' },
      ],
    };

    it('reads a transaction: its key, both words, the sum of its payments, the payer wallet', () => {
      expect(mapTransaction(transaction)).toEqual({ key: 'pDAlAZ3z', payseraStatus: 'reserved', status: 'pending', amountMinor: 1250, currency: 'EUR', walletId: '2000001', confirmedAt: null });
      expect(mapTransaction({ ...transaction, status: 'confirmed', confirmed_at: '1700000100' })).toMatchObject({ status: 'succeeded', confirmedAt: 1700000100 });
      expect(() => mapTransaction({ ...transaction, payments: [{ price: '1', currency: 'EUR' }, { price: '1', currency: 'USD' }] })).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR' }));
      expect(() => mapTransaction({ ...transaction, payments: [] })).toThrow(AppError);
      expect(() => mapTransaction({ status: 'new' })).toThrow(AppError);
    });

    it('reads balances per currency in cents, and the profile with ids as strings', () => {
      expect(mapBalance({ EUR: { at_disposal: '248750', reserved: '1250', at_disposal_decimal: '2487.50', reserved_decimal: '12.50' }, USD: { at_disposal_decimal: '3.00' } })).toEqual([
        { currency: 'EUR', atDisposalMinor: 248750, reservedMinor: 1250 },
        { currency: 'USD', atDisposalMinor: 300, reservedMinor: 0 },
      ]);
      expect(mapUser({ id: '1000001', email: 'jonas@example.lt', display_name: 'Jonas', wallets: ['2000001', '2000009'] })).toEqual({
        userId: '1000001',
        email: 'jonas@example.lt',
        phone: null,
        displayName: 'Jonas',
        type: null,
        wallets: ['2000001', '2000009'],
      });
    });

    it('reads an allowance with its limits', () => {
      expect(mapAllowance({ id: '17', status: 'active', currency: 'EUR', wallet: '2000001', max_price: '5000', max_price_decimal: '50.00', used_price: '3000', valid_until: '1700003600' })).toEqual({
        id: '17',
        payseraStatus: 'active',
        status: 'active',
        walletId: '2000001',
        currency: 'EUR',
        maxPriceMinor: 5000,
        usedPriceMinor: 3000,
        validUntil: 1700003600,
      });
      expect(() => mapAllowance({ id: 'x', currency: 'EUR', max_price: '1' })).toThrow(AppError);
    });

    it('accepts only events shaped like Paysera’s', () => {
      expect(parseEvent({ object: 'transaction', type: 'confirmed', data: { transaction_key: 'k' } })).toEqual({ object: 'transaction', type: 'confirmed', data: { transaction_key: 'k' } });
      for (const bad of [null, [], { object: 'transaction', type: 'x' }, { object: 1, type: 'x', data: {} }, { object: 'transaction', type: 'x', data: [] }]) {
        expect(() => parseEvent(bad)).toThrow(AppError);
      }
    });
  });
});
