import { matchRoute, subPath } from './paysera-sandbox.routes.js';

describe('paysera sandbox routes', () => {
  const mount = '/sandbox/paysera';

  it('strips the mount, repeated slashes, a trailing slash and the legacy /wallet prefix', () => {
    expect(subPath('/sandbox/paysera/rest/v1/server?x=1', mount)).toBe('/rest/v1/server');
    expect(subPath('/sandbox//paysera/rest//v1/server/', mount)).toBe('/rest/v1/server');
    expect(subPath('/sandbox/paysera/wallet/rest/v1/payment/10145', mount)).toBe('/rest/v1/payment/10145');
    expect(subPath('/sandbox/payseraX/rest', mount)).toBeUndefined();
  });

  it('matches operations with their parameters', () => {
    expect(matchRoute('GET', '/rest/v1/wallet/me/balance').match).toEqual({ operation: 'wallet.balance', params: { wallet: 'me' } });
    expect(matchRoute('PUT', '/rest/v1/transaction/abc/reserve/2000001').match).toEqual({ operation: 'transaction.reserve', params: { key: 'abc', payer: '2000001' } });
    expect(matchRoute('GET', '/rest/v1/allowance/active/me').match?.operation).toBe('allowance.active');
    expect(matchRoute('GET', '/rest/v1/allowance/17').match?.operation).toBe('allowance.get');
    // {auth}/wallet/confirm/{key}: the /wallet prefix is dropped like everywhere.
    expect(matchRoute('POST', subPath('/sandbox/paysera/wallet/confirm/Ab_9', mount)!).match).toEqual({ operation: 'transaction.page', params: { key: 'Ab_9' } });
  });

  it('tells a wrong method (405) from an unknown path (404)', () => {
    expect(matchRoute('GET', '/oauth/v1/token')).toEqual({ allowed: ['POST', 'DELETE'] });
    expect(matchRoute('GET', '/rest/v1/nothing')).toEqual({ allowed: [] });
  });
});
