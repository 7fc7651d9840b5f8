import { matchWireRoute } from './momo-sandbox.routes.js';

const ID = '3f0c2b8e-5d1a-4c6e-9b2f-7a8d9e0f1a2b';

describe('matchWireRoute', () => {
  it.each([
    ['POST', '/v1_0/apiuser', { operation: 'createApiUser' }],
    ['GET', `/v1_0/apiuser/${ID}`, { operation: 'getApiUser', apiUser: ID }],
    ['POST', `/v1_0/apiuser/${ID}/apikey`, { operation: 'createApiKey', apiUser: ID }],
    ['POST', '/collection/token/', { operation: 'token', product: 'collection' }],
    ['POST', '/disbursement/token/', { operation: 'token', product: 'disbursement' }],
    ['POST', '/collection/v1_0/requesttopay', { operation: 'requesttopay', product: 'collection', kind: 'requesttopay' }],
    ['GET', `/collection/v1_0/requesttopay/${ID}`, { operation: 'status', product: 'collection', kind: 'requesttopay', referenceId: ID }],
    ['POST', '/disbursement/v1_0/transfer', { operation: 'transfer', product: 'disbursement', kind: 'transfer' }],
    ['GET', `/disbursement/v1_0/transfer/${ID}`, { operation: 'status', product: 'disbursement', kind: 'transfer', referenceId: ID }],
    ['GET', '/collection/v1_0/account/balance', { operation: 'balance', product: 'collection' }],
    ['GET', '/disbursement/v1_0/account/balance/EUR', { operation: 'balance', product: 'disbursement', currency: 'EUR' }],
    ['GET', '/collection/v1_0/accountholder/MSISDN/46733123450/active', { operation: 'accountholderActive', product: 'collection', idType: 'MSISDN', id: '46733123450' }],
    ['GET', '/disbursement/v1_0/accountholder/email/a%40b.com/active', { operation: 'accountholderActive', product: 'disbursement', idType: 'email', id: 'a@b.com' }],
    ['GET', '/collection/v1_0/accountholder/msisdn/46733123450/basicuserinfo', { operation: 'basicUserInfo', product: 'collection', idType: 'msisdn', id: '46733123450' }],
  ])('%s %s', (method, path, route) => {
    expect(matchWireRoute(method, path)).toEqual({ kind: 'route', route });
  });

  it.each([
    ['POST', '/collection/token'], // no trailing slash
    ['GET', '/collection/token/'],
    ['POST', '/remittance/token/'],
    ['POST', '/disbursement/v1_0/requesttopay'], // requesttopay is collection's
    ['GET', `/collection/v1_0/transfer/${ID}`], // and transfer is disbursement's
    ['POST', '/collection/v1_0/requesttopay/'],
    ['PUT', '/collection/v1_0/requesttopay'],
    ['POST', '/disbursement/v2_0/transfer'], // does not exist (§5.2)
    ['GET', '/v1_0/apiuser'],
    ['GET', `/v1_0/apiuser/${ID}/`],
    ['GET', '/collection/v1_0/accountholder/msisdn/%E0%A4%A/active'], // undecodable
    ['GET', ''],
  ])('no route for %s %s', (method, path) => {
    expect(matchWireRoute(method, path).kind).toBe('none');
  });

  it('tells a doubled slash (400) from an unknown path, and keeps the product for the journal', () => {
    expect(matchWireRoute('POST', '/collection//v1_0/requesttopay')).toEqual({ kind: 'malformed', product: 'collection' });
    expect(matchWireRoute('POST', '/collection/nope')).toEqual({ kind: 'none', product: 'collection' });
    expect(matchWireRoute('POST', '/nope')).toEqual({ kind: 'none', product: undefined });
  });
});
