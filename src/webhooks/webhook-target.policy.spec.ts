import { isPublicAddress, resolveAllowed, urlProblem } from './webhook-target.policy.js';

const strict = { allowHttp: false, allowPrivateNetworks: false };

describe('webhook target policy (SSRF)', () => {
  it.each([
    ['127.0.0.1'], ['10.1.2.3'], ['172.16.0.1'], ['192.168.1.1'], ['169.254.169.254'], ['100.64.0.1'], ['0.0.0.0'],
    ['::1'], ['fe80::1'], ['fd00::1'], ['::ffff:127.0.0.1'], ['::ffff:10.0.0.1'], ['224.0.0.1'], ['::'],
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([['93.184.215.14'], ['8.8.8.8'], ['2606:4700:4700::1111'], ['::ffff:8.8.8.8']])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('wants https, no credentials, no fragment', () => {
    expect(urlProblem('http://example.com/hook', strict)).toBe('must be https');
    expect(urlProblem('https://u:p@example.com/hook', strict)).toBe('must not carry credentials');
    expect(urlProblem('https://example.com/hook#x', strict)).toBe('must not have a fragment');
    expect(urlProblem('ftp://example.com', { ...strict, allowHttp: true })).toBe('must be http(s)');
    expect(urlProblem('not a url', strict)).toBe('is not a URL');
    expect(urlProblem('https://example.com/hook', strict)).toBeUndefined();
    expect(urlProblem('http://127.0.0.1:9/hook', { allowHttp: true, allowPrivateNetworks: true })).toBeUndefined();
  });

  it('refuses names and literals that resolve inward, unless private networks are allowed', async () => {
    expect(await resolveAllowed('localhost', strict)).toBe('resolves to a private, loopback or link-local address');
    expect(await resolveAllowed('[::1]', strict)).toBe('resolves to a private, loopback or link-local address');
    expect(await resolveAllowed('169.254.169.254', strict)).toBe('resolves to a private, loopback or link-local address');
    expect(await resolveAllowed('127.0.0.1', { allowHttp: true, allowPrivateNetworks: true })).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(await resolveAllowed('no-such-host.invalid', strict)).toBe('does not resolve');
  });
});
