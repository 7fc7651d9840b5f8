import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { buildOpenApiDocument } from '../src/app.setup.js';
import { TcpProxy } from './helpers/tcp-proxy.js';
import { ADMIN_TOKEN, call, createMerchant, expectProblem, startTestApp, type TestApp } from './helpers/test-app.js';

describe('Swagger, health and schema', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves Swagger UI at /docs', async () => {
    const reply = await call(t.baseUrl, 'GET', '/docs');
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('swagger-ui');
  });

  it('documents every route with bearer auth and problem+json errors', async () => {
    const { status, body: doc } = await call(t.baseUrl, 'GET', '/docs-json');
    expect(status).toBe(200);
    expect(doc.components.securitySchemes).toMatchObject({
      'merchant-key': { type: 'http', scheme: 'bearer' },
      'admin-token': { type: 'http', scheme: 'bearer' },
    });
    const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.map((o) => o.route)).toEqual(
      expect.arrayContaining(['GET /v1/merchants/me', 'GET /v1/api-keys/{id}', 'POST /admin/merchants', 'POST /admin/api-keys/{id}/revoke', 'GET /health/ready']),
    );
    for (const { route, op } of operations) {
      const errors = Object.entries(op.responses).filter(([code]) => Number(code) >= 400);
      expect({ route, hasErrors: errors.length > 0 }).toEqual({ route, hasErrors: true });
      for (const [, response] of errors) {
        expect(Object.keys((response as { content: object }).content)).toEqual(['application/problem+json']);
      }
      if (route.includes('/v1/')) expect({ route, security: op.security }).toEqual({ route, security: [{ 'merchant-key': [] }] });
      if (route.includes('/admin/')) expect({ route, security: op.security }).toEqual({ route, security: [{ 'admin-token': [] }] });
    }
  });

  it('each schema name is one class: no two DTOs share a name (one route would show the other\'s schema)', () => {
    const warn = jest.spyOn(Logger, 'warn');
    try {
      const doc = buildOpenApiDocument(t.app, 'test');
      expect(Object.keys(doc.components?.schemas ?? {}).length).toBeGreaterThan(50);
      expect(warn.mock.calls.map(([message]) => String(message)).filter((m) => m.includes('Duplicate DTO'))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it('sends JSON answers the REST security headers (never stored, framed or sniffed) and pages helmet\'s page set', async () => {
    const { key, merchantId } = await createMerchant(t.baseUrl, 'Headers');
    // The answer that carries a new API key in clear.
    const issued = await call(t.baseUrl, 'POST', `/admin/merchants/${merchantId}/api-keys`, { token: ADMIN_TOKEN, json: { scopes: ['read'] } });
    expect(issued.body.key).toMatch(/^gh_test_/);
    const refused = await call(t.baseUrl, 'GET', '/v1/merchants/me', { token: 'gh_test_nope' });
    for (const reply of [await call(t.baseUrl, 'GET', '/v1/merchants/me', { token: key }), issued, refused, await call(t.baseUrl, 'GET', '/health')]) {
      const h = Object.fromEntries(reply.headers);
      expect(h).toMatchObject({
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none';frame-ancestors 'none'",
        'x-frame-options': 'DENY',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': expect.stringContaining('max-age='),
      });
      // HTML-only headers are not sent with JSON.
      for (const name of ['x-dns-prefetch-control', 'x-download-options', 'origin-agent-cluster', 'x-xss-protection', 'cross-origin-opener-policy']) expect(h[name]).toBeUndefined();
    }
    expect(refused.status).toBe(401);
    const page = await call(t.baseUrl, 'GET', '/docs');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cache-control')).not.toBe('no-store');
  });

  it('answers liveness and readiness', async () => {
    expect((await call(t.baseUrl, 'GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await call(t.baseUrl, 'GET', '/health/ready')).body).toEqual({ status: 'ok', checks: { database: 'up' } });
  });

  it('the migrations produce exactly the schema the entities describe', async () => {
    const pending = await t.app.get(DataSource).driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});

describe('when the database goes away', () => {
  it('readiness and data routes answer 503 problem+json with Retry-After, never 500', async () => {
    const real = new URL(process.env.GATEHOUSE_TEST_DATABASE_URL!);
    const proxy = new TcpProxy(real.hostname, Number(real.port || 5432));
    const viaProxy = new URL(real);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(await proxy.start());
    const t = await startTestApp({ DATABASE_URL: viaProxy.toString() });
    try {
      expect((await call(t.baseUrl, 'GET', '/health/ready')).status).toBe(200);
      await proxy.cut();
      const ready = expectProblem(await call(t.baseUrl, 'GET', '/health/ready'), 503, 'SERVICE_UNAVAILABLE');
      expect(JSON.stringify(ready)).not.toContain(real.password || 'no-password');
      const me = await call(t.baseUrl, 'GET', '/v1/merchants/me', { token: 'gh_test_aaaaaaaaaaaa_' + 'A'.repeat(43) });
      expectProblem(me, 503, 'SERVICE_UNAVAILABLE');
      expect(me.headers.get('retry-after')).toBe('5');
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

describe('CORS', () => {
  it('answers preflights only for the configured origins', async () => {
    const t = await startTestApp({ CORS_ORIGINS: 'https://shop.example' });
    try {
      const preflight = (origin: string) =>
        fetch(`${t.baseUrl}/v1/merchants/me`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
        });
      const allowed = await preflight('https://shop.example');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
      const other = await preflight('https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const t = await startTestApp();
    try {
      const reply = await fetch(`${t.baseUrl}/health`, { headers: { origin: 'https://shop.example' } });
      expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await t.close();
    }
  });
});

describe('sandbox demo return page', () => {
  it('shows what the consent flow sent back, escaped', async () => {
    const t = await startTestApp();
    try {
      const reply = await call(t.baseUrl, 'GET', '/sandbox/return?consent_id=%3Cscript%3Ex&status=valid');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
      expect(reply.text).toContain('<td>valid</td>');
      expect(reply.text).toContain('&#60;script&#62;x');
      expect(reply.text).not.toContain('<script>');
    } finally {
      await t.close();
    }
  });

  it('is not mounted in production mode', async () => {
    const t = await startTestApp({
      GATEHOUSE_MODE: 'production',
      TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      PAGA_BASE_URL: 'https://beta.mypaga.com',
      PAGA_CLIENT_ID: 'A3878DC1-F07D-48E7-AA59-8276C3C26647',
      PAGA_CLIENT_SECRET: 'not-a-real-secret',
      // MoMo left unconfigured: in production a provider without its base URL is simply off.
    });
    try {
      expectProblem(await call(t.baseUrl, 'GET', '/sandbox/return'), 404, 'ROUTE_NOT_FOUND');
      expectProblem(await call(t.baseUrl, 'GET', '/sandbox/paga/__control/users'), 404, 'ROUTE_NOT_FOUND');
    } finally {
      await t.close();
    }
  });
});

describe('production: an unconfigured provider is off, a half-configured one stops the boot', () => {
  const production = {
    GATEHOUSE_MODE: 'production',
    TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  };

  it('refuses to boot with MoMo half configured, naming the missing variables', async () => {
    await expect(startTestApp({ ...production, MOMO_BASE_URL: 'https://sandbox.momodeveloper.mtn.com' })).rejects.toThrow(
      /MOMO_COLLECTION_SUBSCRIPTION_KEY[\s\S]*MOMO_TARGET_ENVIRONMENT/,
    );
  });

  it('answers 503 for MoMo and offers no Paga consents when neither is configured', async () => {
    const t = await startTestApp(production);
    try {
      const merchant = await call(t.baseUrl, 'POST', '/admin/merchants', { token: ADMIN_TOKEN, json: { name: 'Prod', allowedReturnUrls: ['https://shop.example/r'] } });
      const key = (await call(t.baseUrl, 'POST', `/admin/merchants/${merchant.body.id}/api-keys`, { token: ADMIN_TOKEN, json: { scopes: ['consents', 'payments', 'read'] } })).body.key;
      expect(key).toMatch(/^gh_live_/);
      expectProblem(await call(t.baseUrl, 'GET', '/v1/momo/collection/balance', { token: key }), 503, 'SERVICE_UNAVAILABLE');
      const consent = await call(t.baseUrl, 'POST', '/v1/consents', { token: key, json: { provider: 'paga', psuReference: 'x', scopes: ['MERCHANT_PAYMENT'], returnUrl: 'https://shop.example/r' } });
      expect(expectProblem(consent, 400, 'VALIDATION_FAILED').errors[0].field).toBe('provider');
    } finally {
      await t.close();
    }
  });
});
