import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { createGatehouseApp } from '../../src/app.factory.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/config.loader.js';
import type { DemoMerchantCreated } from '../../src/merchants/demo-merchant.seeder.js';
import { freePort } from '../setup/global-setup.mjs';

export const ADMIN_TOKEN = `test-admin-${randomBytes(24).toString('hex')}`;

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  baseUrl: string;
  demo?: DemoMerchantCreated;
  close(): Promise<void>;
}

/**
 * Boots the real app on the run's test database and a free loopback port, which is also its
 * PUBLIC_BASE_URL (so OAuth redirects and the emulators' callbacks point back at it).
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const databaseUrl = process.env.GATEHOUSE_TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('GATEHOUSE_TEST_DATABASE_URL is not set: run the tests with npm test');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig(
    { DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', DEMO_MERCHANT: 'false', ADMIN_TOKEN, DATABASE_POOL_SIZE: '4', PORT: String(port), PUBLIC_BASE_URL: baseUrl, DATA_DIR: '.data', ...env },
    { dotenv: false },
  );
  const { app, demo } = await createGatehouseApp(config, config.databaseUrl!);
  await app.listen(port, '127.0.0.1');
  return { app, config, baseUrl, demo, close: () => app.close() };
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A small fetch wrapper: real HTTP, JSON in and out. */
export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const res = await fetch(baseUrl + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** Creates a merchant and a key through the admin API, as an operator would. */
export async function createMerchant(
  baseUrl: string,
  name: string,
  { scopes = ['consents', 'payments', 'read'], allowedReturnUrls }: { scopes?: string[]; allowedReturnUrls?: string[] } = {},
): Promise<{ merchantId: string; key: string; keyId: string }> {
  const merchant = await call(baseUrl, 'POST', '/admin/merchants', { token: ADMIN_TOKEN, json: { name, allowedReturnUrls } });
  if (merchant.status !== 201) throw new Error(`creating a merchant failed: ${merchant.status} ${merchant.text}`);
  const issued = await call(baseUrl, 'POST', `/admin/merchants/${merchant.body.id}/api-keys`, { token: ADMIN_TOKEN, json: { scopes } });
  if (issued.status !== 201) throw new Error(`issuing a key failed: ${issued.status} ${issued.text}`);
  return { merchantId: merchant.body.id, key: issued.body.key, keyId: issued.body.apiKey.id };
}

/** Asserts the one error format and returns the problem body. */
export function expectProblem(reply: Reply, status: number, code: string): any {
  expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ status, code, type: expect.stringMatching(/^urn:gatehouse:problem:/), title: expect.any(String) });
  expect(reply.text).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack frames
  return reply.body;
}
