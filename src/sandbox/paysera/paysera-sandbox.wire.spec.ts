import { macRequestParts, parseJsonObject, payseraError } from './paysera-sandbox.wire.js';

function req(headers: Record<string, string>, originalUrl = '/sandbox/paysera/rest/v1/wallet/me/balance?currency=EUR', method = 'get') {
  return { method, originalUrl, headers, secure: false };
}

describe('paysera sandbox wire helpers', () => {
  it('takes host and explicit port from the Host header, the URI as received', () => {
    expect(macRequestParts(req({ host: 'LocalHost:8443' }))).toEqual({
      method: 'GET',
      requestUri: '/sandbox/paysera/rest/v1/wallet/me/balance?currency=EUR',
      host: 'localhost',
      port: 8443,
    });
    expect(macRequestParts(req({ host: '[::1]:3000' }))).toMatchObject({ host: '::1', port: 3000 });
  });

  it('falls back to the forwarded port, the forwarded scheme, then the connection', () => {
    expect(macRequestParts(req({ host: 'gw.example', 'x-forwarded-port': '8443' })).port).toBe(8443);
    expect(macRequestParts(req({ host: 'gw.example', 'x-forwarded-proto': 'https' })).port).toBe(443);
    expect(macRequestParts(req({ host: 'gw.example' })).port).toBe(80);
    expect(macRequestParts(req({ host: 'inner:3000', 'x-forwarded-host': 'Pay.Example' }))).toMatchObject({ host: 'pay.example', port: 80 });
  });

  it('builds Paysera error bodies with the status of the code', () => {
    expect(payseraError('invalid_state', 'x')).toEqual({ status: 409, body: { error: 'invalid_state', error_description: 'x' } });
    expect(payseraError('invalid_grant', 'Token has expired', 401).status).toBe(401);
  });

  it('accepts only JSON objects as bodies', () => {
    expect(parseJsonObject(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    for (const bad of ['', '[1]', 'null', '{']) expect(parseJsonObject(Buffer.from(bad))).toBeUndefined();
  });
});
