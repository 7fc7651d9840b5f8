import { DataSource } from 'typeorm';
import { ADMIN_TOKEN, call, createMerchant, expectProblem, startTestApp, type TestApp } from './helpers/test-app.js';

describe('merchant API keys and MerchantGuard', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof createMerchant>>;
  let b: Awaited<ReturnType<typeof createMerchant>>;

  beforeAll(async () => {
    t = await startTestApp();
    a = await createMerchant(t.baseUrl, 'Merchant A');
    b = await createMerchant(t.baseUrl, 'Merchant B');
  });
  afterAll(() => t.close());

  it('GET /v1/merchants/me returns the key owner, and nothing secret', async () => {
    const reply = await call(t.baseUrl, 'GET', '/v1/merchants/me', { token: a.key });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: a.merchantId, name: 'Merchant A', status: 'active' });
    expect(reply.text).not.toContain(a.key);
    expect(reply.headers.get('x-request-id')).toBeTruthy();
  });

  it.each([
    ['no Authorization header', undefined],
    ['a malformed key', 'not-a-key'],
    ['a well-formed key that does not exist', 'gh_test_aaaaaaaaaaaa_' + 'A'.repeat(43)],
  ])('answers 401 problem+json to %s', async (_name, token) => {
    const reply = await call(t.baseUrl, 'GET', '/v1/merchants/me', { token });
    expectProblem(reply, 401, 'UNAUTHENTICATED');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers 401 to a key whose secret part is wrong (prefix of a real key)', async () => {
    const forged = a.key.slice(0, 21) + 'B'.repeat(43); // the prefix is the first 20 characters
    expectProblem(await call(t.baseUrl, 'GET', '/v1/merchants/me', { token: forged }), 401, 'UNAUTHENTICATED');
  });

  it('answers 401 to a live key on a sandbox deployment', async () => {
    const live = a.key.replace('gh_test_', 'gh_live_');
    expectProblem(await call(t.baseUrl, 'GET', '/v1/merchants/me', { token: live }), 401, 'UNAUTHENTICATED');
  });

  it('stores only the SHA-256 of keys and records when a key was last used', async () => {
    const ds = t.app.get(DataSource);
    const [row] = await ds.query('SELECT secret_hash, last_used_at FROM api_keys WHERE id = $1', [a.keyId]);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    const dump = JSON.stringify(await ds.query('SELECT * FROM api_keys'));
    expect(dump).not.toContain(a.key.slice(21));
    expect(row.last_used_at).not.toBeNull();
  });

  it('a revoked key stops working at once, and revoking twice is harmless', async () => {
    const c = await createMerchant(t.baseUrl, 'Merchant C');
    expect((await call(t.baseUrl, 'GET', '/v1/merchants/me', { token: c.key })).status).toBe(200);
    const revoked = await call(t.baseUrl, 'POST', `/admin/api-keys/${c.keyId}/revoke`, { token: ADMIN_TOKEN });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expectProblem(await call(t.baseUrl, 'GET', '/v1/merchants/me', { token: c.key }), 401, 'UNAUTHENTICATED');
    const again = await call(t.baseUrl, 'POST', `/admin/api-keys/${c.keyId}/revoke`, { token: ADMIN_TOKEN });
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('enforces scopes: a consents-only key cannot read its keys', async () => {
    const d = await createMerchant(t.baseUrl, 'Merchant D', { scopes: ['consents'] });
    expect((await call(t.baseUrl, 'GET', '/v1/merchants/me', { token: d.key })).status).toBe(200);
    const body = expectProblem(await call(t.baseUrl, 'GET', '/v1/api-keys', { token: d.key }), 403, 'INSUFFICIENT_SCOPE');
    expect(body.detail).toContain('read');
  });

  it('a disabled merchant is refused', async () => {
    const e = await createMerchant(t.baseUrl, 'Merchant E');
    await call(t.baseUrl, 'PATCH', `/admin/merchants/${e.merchantId}`, { token: ADMIN_TOKEN, json: { status: 'disabled' } });
    expectProblem(await call(t.baseUrl, 'GET', '/v1/merchants/me', { token: e.key }), 403, 'FORBIDDEN');
  });

  describe('tenancy', () => {
    it('lists only the caller’s own keys', async () => {
      const reply = await call(t.baseUrl, 'GET', '/v1/api-keys', { token: b.key });
      expect(reply.status).toBe(200);
      expect(reply.body.data.map((k: { id: string }) => k.id)).toEqual([b.keyId]);
      expect(reply.text).not.toMatch(/secret|hash/i);
    });

    it('merchant B gets 404 for merchant A’s key, the same as for a key that does not exist', async () => {
      const own = await call(t.baseUrl, 'GET', `/v1/api-keys/${a.keyId}`, { token: a.key });
      expect(own.status).toBe(200);
      const other = expectProblem(await call(t.baseUrl, 'GET', `/v1/api-keys/${a.keyId}`, { token: b.key }), 404, 'NOT_FOUND');
      const missing = expectProblem(await call(t.baseUrl, 'GET', '/v1/api-keys/00000000-0000-4000-8000-000000000000', { token: b.key }), 404, 'NOT_FOUND');
      expect(other.detail).toBe(missing.detail);
    });
  });
});

describe('admin API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('refuses merchant keys with 403 and wrong tokens with 401', async () => {
    const m = await createMerchant(t.baseUrl, 'Merchant F');
    expectProblem(await call(t.baseUrl, 'GET', '/admin/merchants', { token: m.key }), 403, 'FORBIDDEN');
    expectProblem(await call(t.baseUrl, 'GET', '/admin/merchants', { token: 'x'.repeat(40) }), 401, 'UNAUTHENTICATED');
    expectProblem(await call(t.baseUrl, 'GET', '/admin/merchants'), 401, 'UNAUTHENTICATED');
  });

  it('sets allowed return URLs and webhook URLs, and rejects unsafe ones', async () => {
    const created = await call(t.baseUrl, 'POST', '/admin/merchants', { token: ADMIN_TOKEN, json: { name: 'Merchant G' } });
    const id = created.body.id;
    const ok = await call(t.baseUrl, 'PATCH', `/admin/merchants/${id}`, {
      token: ADMIN_TOKEN,
      json: { allowedReturnUrls: ['https://shop.example/return'], webhookUrls: ['https://shop.example/hooks'] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ allowedReturnUrls: ['https://shop.example/return'], webhookUrls: ['https://shop.example/hooks'] });
    const bad = await call(t.baseUrl, 'PATCH', `/admin/merchants/${id}`, {
      token: ADMIN_TOKEN,
      json: { allowedReturnUrls: ['https://user:pw@shop.example/return', 'ftp://shop.example/x'] },
    });
    const problem = expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['allowedReturnUrls[0]', 'allowedReturnUrls[1]']));
    const after = await call(t.baseUrl, 'GET', `/admin/merchants/${id}`, { token: ADMIN_TOKEN });
    expect(after.body.allowedReturnUrls).toEqual(['https://shop.example/return']);
  });

  it('shows a key once: listing never includes it', async () => {
    const m = await createMerchant(t.baseUrl, 'Merchant H');
    const list = await call(t.baseUrl, 'GET', `/admin/merchants/${m.merchantId}/api-keys`, { token: ADMIN_TOKEN });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.text).not.toContain(m.key);
    expect(list.body.data[0].prefix).toBe(m.key.slice(0, 20));
  });

  it('is disabled without ADMIN_TOKEN', async () => {
    const t2 = await startTestApp({ ADMIN_TOKEN: '' });
    try {
      expectProblem(await call(t2.baseUrl, 'GET', '/admin/merchants', { token: ADMIN_TOKEN }), 403, 'ADMIN_DISABLED');
    } finally {
      await t2.close();
    }
  });

  it('pages merchants and validates the paging parameters', async () => {
    const page = await call(t.baseUrl, 'GET', '/admin/merchants?limit=1&offset=0', { token: ADMIN_TOKEN });
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.total).toBeGreaterThanOrEqual(1);
    expectProblem(await call(t.baseUrl, 'GET', '/admin/merchants?limit=1000', { token: ADMIN_TOKEN }), 400, 'VALIDATION_FAILED');
    expectProblem(await call(t.baseUrl, 'GET', '/admin/merchants?limit=abc', { token: ADMIN_TOKEN }), 400, 'VALIDATION_FAILED');
  });
});
