import fc from 'fast-check';
import { ERROR_CODES } from '../src/common/errors/error-codes.js';
import { momoCollect, validPagaConsent } from './helpers/flows.js';
import { type HostileRequest, headerValue, requestFor } from './helpers/hostile.js';
import { fetchOpenApi, type OpenApiDocument, type Operation, operationsOf } from './helpers/openapi.js';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database.js';
import { ADMIN_TOKEN, call, createMerchant, startTestApp, type TestApp } from './helpers/test-app.js';

const RETURN_URL = 'https://shop.example/return'; // the schema's example, so generated consents can pass
// Runs per operation and phase; HOSTILE_RUNS=300 for a long soak. A failure prints its seed;
// HOSTILE_SEED=<seed> replays a run.
const RUNS = Number(process.env.HOSTILE_RUNS ?? 25);
const SEED = process.env.HOSTILE_SEED === undefined ? undefined : Number(process.env.HOSTILE_SEED);

interface Finding {
  route: string;
  problem: string;
  request: HostileRequest;
  seed: string;
}

/** After its dot segments are resolved, the path is on an emulator's provider-facing surface (not `__control`). */
function landsOnEmulatorWire(url: string): boolean {
  const raw = url.split('?')[0]!;
  if (!/(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i.test(raw)) return false;
  const landed = new URL(url, 'http://gatehouse.invalid').pathname;
  const emulator = /^\/sandbox\/(momo|paga|connectpay|paysera|paco)\//.exec(landed);
  return emulator !== null && !landed.startsWith(`/sandbox/${emulator[1]}/__control`);
}

/**
 * Property: whatever is sent to a documented route (generated bodies, headers, query and path
 * values), the answer is never a 5xx, and every 4xx is the one problem+json format with a stable
 * code that matches its status. Run with the credential each route asks for (to get past the
 * guard), and without or with a wrong one (then a guarded route never answers 2xx/3xx).
 */
describe('hostile input to every route of the OpenAPI document', () => {
  let db: ScratchDatabase;
  let t: TestApp;
  let doc: OpenApiDocument;
  let operations: Operation[];
  let merchantKey: string;
  let revokedKey: string;
  let merchantIds: string[];
  let adminIds: string[];

  beforeAll(async () => {
    // Generated MoMo calls reach the MoMo emulator: a database of its own (MoMo's rows are global).
    db = await createScratchDatabase('hostile');
    t = await startTestApp({ DATABASE_URL: db.url, MOMO_TIMEOUT_MS: '2000', PAGA_TIMEOUT_MS: '2000' });
    doc = await fetchOpenApi(t.baseUrl);
    operations = operationsOf(doc);
    const fuzzed = await createMerchant(t.baseUrl, 'Fuzzed', { allowedReturnUrls: [RETURN_URL] });
    merchantKey = fuzzed.key;
    const revoked = await call(t.baseUrl, 'POST', `/admin/merchants/${fuzzed.merchantId}/api-keys`, { token: ADMIN_TOKEN, json: { scopes: ['read'] } });
    revokedKey = revoked.body.key;
    await call(t.baseUrl, 'POST', `/admin/api-keys/${revoked.body.apiKey.id}/revoke`, { token: ADMIN_TOKEN });
    // Real objects, so generated paths also reach the handlers behind the lookups.
    const consents = [];
    for (const psuReference of ['fuzz-1', 'fuzz-2']) consents.push((await validPagaConsent({ api: t.baseUrl, key: merchantKey, returnUrl: RETURN_URL, psuReference })).consentId);
    const collection = await momoCollect(t.baseUrl, merchantKey, 'fuzz-collection');
    merchantIds = [...consents, collection.body.id, fuzzed.keyId];
    // The admin routes get a merchant of their own to change (never the one whose key is used).
    const victim = await createMerchant(t.baseUrl, 'Admin target', { scopes: ['read'] });
    adminIds = [victim.merchantId, victim.keyId];
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  async function send(request: HostileRequest): Promise<{ status: number; type: string | null; text: string } | { error: string }> {
    try {
      const res = await fetch(t.baseUrl + request.url, { method: request.method, headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      return { error: `${e.message}${e.cause ? ` (${e.cause.code ?? e.cause.message})` : ''}` };
    }
  }

  /** What is wrong with an answer, or undefined. */
  function judge(op: Operation, guarded: boolean, request: HostileRequest, answer: Awaited<ReturnType<typeof send>>): string | undefined {
    if ('error' in answer) return `no HTTP answer: ${answer.error}`;
    const { status, type, text } = answer;
    if (status >= 500) return `answered ${status}: ${text.slice(0, 300)}`;
    if (/\bat .+\.(js|ts):\d+/.test(text)) return 'a stack trace in the answer';
    if (guarded && status < 400) return `a guarded route answered ${status} without a valid credential`;
    // A path value of ".." moves the request (fetch, like every client, resolves dot segments):
    // one that lands on an emulator's wire surface is answered in that provider's format, not ours.
    if (status >= 400 && landsOnEmulatorWire(request.url)) return undefined;
    if (status >= 400) {
      if (!type?.startsWith('application/problem+json')) return `a ${status} that is not problem+json (${type})`;
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return `a ${status} whose body is not JSON`;
      }
      const code = body.code as keyof typeof ERROR_CODES;
      if (!ERROR_CODES[code]) return `unknown code ${String(body.code)}`;
      if (ERROR_CODES[code].status !== status || body.status !== status) return `code ${code} with status ${status} (body says ${String(body.status)})`;
      if (typeof body.type !== 'string' || !body.type.startsWith('urn:gatehouse:problem:') || typeof body.title !== 'string') return `not the problem shape: ${text.slice(0, 200)}`;
    }
    return undefined;
  }

  async function fuzz(ops: Operation[], auth: (op: Operation) => fc.Arbitrary<string | undefined>, guardedWithout: boolean): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const op of ops) {
      const ids = op.path.startsWith('/admin/') ? adminIds : merchantIds;
      const guarded = guardedWithout && op.security !== 'none';
      const details = await fc.check(
        fc.asyncProperty(requestFor(doc, op, ids, auth(op)), async (request) => {
          const problem = judge(op, guarded, request, await send(request));
          if (problem) throw new Error(problem);
        }),
        { numRuns: RUNS, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
      if (details.failed) {
        // The (shrunk) counterexample and the seed that replays it: fc.check(..., { seed, path }).
        const problem = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        findings.push({ route: op.route, problem, request: details.counterexample![0], seed: `${details.seed}/${details.counterexamplePath}` });
      }
    }
    return findings;
  }

  const app = (ops: Operation[]) => ops.filter((o) => !o.path.startsWith('/sandbox/'));

  /** One line per finding in the assertion; the requests that caused them on stderr. */
  function expectNone(findings: Finding[]): void {
    if (findings.length) process.stderr.write(`hostile-input findings:\n${JSON.stringify(findings, null, 1)}\n`);
    expect(findings.map((f) => `${f.route}: ${f.problem} [seed ${f.seed}]`)).toEqual([]);
  }

  it('with the credential each route asks for: no 5xx, every 4xx in the one format', async () => {
    const withKey = (op: Operation) => fc.constant(op.security === 'merchant-key' ? `Bearer ${merchantKey}` : op.security === 'admin-token' ? `Bearer ${ADMIN_TOKEN}` : undefined);
    expect(app(operations).length).toBeGreaterThan(20);
    expectNone(await fuzz(app(operations), withKey, false));
  }, 120_000);

  it('without a valid credential: guarded routes never answer 2xx/3xx, and never 5xx', async () => {
    // Missing, malformed, revoked, or valid but of the other kind (a merchant key on an admin
    // route, the admin token on a merchant route).
    const wrong = (op: Operation) =>
      fc.oneof(
        fc.constant(undefined),
        headerValue,
        headerValue.map((v) => `Bearer ${v}`),
        fc.constantFrom(
          `Bearer ${revokedKey}`,
          `Bearer ${merchantKey.slice(0, -1)}${merchantKey.endsWith('x') ? 'y' : 'x'}`,
          `Basic ${Buffer.from('a:b').toString('base64')}`,
          `Bearer ${op.security === 'admin-token' ? merchantKey : ADMIN_TOKEN}`,
        ),
      );
    expectNone(await fuzz(app(operations), wrong, true));
  }, 120_000);

  it("the emulators' control routes: no 5xx, every 4xx in the one format", async () => {
    // Last: a generated control call may arm failures or move the emulators' clocks.
    const sandbox = operations.filter((o) => o.path.startsWith('/sandbox/'));
    expectNone(await fuzz(sandbox, () => fc.constant(undefined), false));
  }, 120_000);
});
