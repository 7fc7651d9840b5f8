import { ADMIN_TOKEN, call, createMerchant, expectProblem, startTestApp, type TestApp } from './helpers/test-app.js';

describe('bad input always gets a 4xx problem+json', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp();
    key = (await createMerchant(t.baseUrl, 'Errors merchant')).key;
  });
  afterAll(() => t.close());

  const post = (json: unknown) => call(t.baseUrl, 'POST', '/admin/merchants', { token: ADMIN_TOKEN, json });

  it('unknown routes', async () => {
    const body = expectProblem(await call(t.baseUrl, 'GET', '/v1/nothing-here', { token: key }), 404, 'ROUTE_NOT_FOUND');
    expect(body.instance).toBe('/v1/nothing-here');
    expect(body.requestId).toEqual(expect.any(String));
  });

  it('unknown fields are rejected by name, not dropped', async () => {
    const body = expectProblem(await post({ name: 'X', isDemo: true, __proto__x: 1 }), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { field: 'isDemo', message: 'is not an allowed field' },
        { field: '__proto__x', message: 'is not an allowed field' },
      ]),
    );
  });

  it('wrong types name each field', async () => {
    const body = expectProblem(await post({ name: 42, webhookUrls: 'https://x.example' }), 400, 'VALIDATION_FAILED');
    const fields = body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'webhookUrls']));
  });

  it('a missing body is a validation error', async () => {
    const body = expectProblem(await call(t.baseUrl, 'POST', '/admin/merchants', { token: ADMIN_TOKEN }), 400, 'VALIDATION_FAILED');
    expect(body.errors.map((e: { field: string }) => e.field)).toContain('name');
  });

  it.each([
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"text"'],
    ['null', 'null'],
  ])('%s as the body', async (_name, raw) => {
    const reply = await call(t.baseUrl, 'POST', '/admin/merchants', { token: ADMIN_TOKEN, body: raw, headers: { 'content-type': 'application/json' } });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('malformed JSON', async () => {
    const reply = await call(t.baseUrl, 'POST', '/admin/merchants', { token: ADMIN_TOKEN, body: '{"name": "x",', headers: { 'content-type': 'application/json' } });
    const body = expectProblem(reply, 400, 'MALFORMED_JSON');
    expect(body.requestId).toEqual(expect.any(String));
  });

  it('a 2 MB body', async () => {
    const reply = await call(t.baseUrl, 'POST', '/admin/merchants', { token: ADMIN_TOKEN, json: { name: 'x'.repeat(2 * 1024 * 1024) } });
    expectProblem(reply, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a malformed id in the path', async () => {
    const body = expectProblem(await call(t.baseUrl, 'GET', '/v1/api-keys/not-a-uuid', { token: key }), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
  });

  it('an unsupported body encoding', async () => {
    const reply = await call(t.baseUrl, 'POST', '/admin/merchants', {
      token: ADMIN_TOKEN,
      body: '{"name":"x"}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'br2' },
    });
    expectProblem(reply, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const given = await call(t.baseUrl, 'GET', '/v1/nothing', { headers: { 'x-request-id': 'merchant-trace-123456' } });
    expect(given.headers.get('x-request-id')).toBe('merchant-trace-123456');
    expect(given.body.requestId).toBe('merchant-trace-123456');
    const bad = await call(t.baseUrl, 'GET', '/v1/nothing', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
