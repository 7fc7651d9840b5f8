import { canonicalJson, isValidIdempotencyKey, requestFingerprint } from './idempotency.fingerprint.js';

describe('idempotency fingerprints', () => {
  it('ignores key order at every depth, not values, paths or methods', () => {
    const a = { amount: { value: 1, currency: 'EUR' }, reference: 'r', list: [{ b: 1, a: 2 }] };
    const b = { list: [{ a: 2, b: 1 }], reference: 'r', amount: { currency: 'EUR', value: 1 } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestFingerprint('POST', '/v1/payments', a)).toBe(requestFingerprint('post', '/v1/payments', b));
    expect(requestFingerprint('POST', '/v1/payments', a)).not.toBe(requestFingerprint('POST', '/v1/payments', { ...a, reference: 's' }));
    expect(requestFingerprint('POST', '/v1/payments', a)).not.toBe(requestFingerprint('POST', '/v1/payments/x/refund', a));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('accepts 1-255 visible ASCII characters', () => {
    expect(isValidIdempotencyKey('0d9c0f2e-6a0b-4c8e-9a43-2b1f1e0c9d77')).toBe(true);
    expect(isValidIdempotencyKey('')).toBe(false);
    expect(isValidIdempotencyKey('a b')).toBe(false);
    expect(isValidIdempotencyKey('x'.repeat(256))).toBe(false);
    expect(isValidIdempotencyKey('ключ')).toBe(false);
  });
});
