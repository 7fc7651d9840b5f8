import fc from 'fast-check';
import { type OpenApiDocument, type Operation, type Schema, resolve } from './openapi.js';

/** Characters fetch lets through in a header value: printable ASCII. */
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));

export const headerValue = fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength: 60 });

/** Strings that have broken parsers, queries and templates before, and anything at all. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '', ' ', '0', '-1', '1e309', 'NaN', 'null', 'undefined', 'true', '[]', '{}', '../..', '..%2f..', '%', '%00', '%zz', '\u0000', '\ud800',
      '__proto__', 'constructor', 'prototype', '<script>alert(1)</script>', "' OR 1=1 --", '${7*7}', '{{7*7}}', '\r\nX-Injected: 1', 'a'.repeat(5000),
      '9'.repeat(40), '-9'.repeat(20), '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    ),
    weight: 3,
  },
  { arbitrary: fc.uuid(), weight: 1 },
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 0.5, 1e21, 2 ** 31, 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MAX_SAFE_INTEGER),
);

/** Any JSON-ish value, small. */
const wild: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  hostileNumber,
  hostileString,
  fc.array(hostileString, { maxLength: 4 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
);

/**
 * Values shaped like the schema most of the time (its examples, enums and types, so a request
 * gets past the first check and further in), and anything else some of the time.
 */
export function valueFor(doc: OpenApiDocument, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (depth > 4) return wild;
  const choices: fc.Arbitrary<unknown>[] = [];
  if (s.example !== undefined) choices.push(fc.constant(s.example));
  if (s.enum?.length) choices.push(fc.constantFrom(...s.enum));
  switch (s.type) {
    case 'object': {
      const props = Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, valueFor(doc, v, depth + 1)]));
      const shaped = fc.record(props, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
      // Sometimes an extra field, or a prototype-polluting one.
      const extra = fc.tuple(shaped, fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'isDemo', 'merchantId', 'id', 'status'), wild))).map(([o, e]) => {
        if (!e) return o;
        // A replacer function: a generated value holding "$'" or "$&" must not be read as a replacement pattern.
        return JSON.parse(JSON.stringify(o).replace(/^\{/, () => `{${JSON.stringify(e[0])}:${JSON.stringify(e[1]) ?? 'null'}${Object.keys(o as object).length ? ',' : ''}`)) as unknown;
      });
      choices.push(shaped, extra);
      break;
    }
    case 'array':
      choices.push(fc.array(valueFor(doc, s.items, depth + 1), { maxLength: 5 }), fc.array(valueFor(doc, s.items, depth + 1), { minLength: 50, maxLength: 200 }));
      break;
    case 'integer':
    case 'number':
      choices.push(fc.integer({ min: s.minimum ?? 0, max: s.maximum ?? 1_000_000 }), hostileNumber);
      break;
    case 'boolean':
      choices.push(fc.boolean());
      break;
    case 'string':
      choices.push(s.format === 'uuid' ? fc.uuid() : hostileString);
      break;
    default:
      if (s.properties) return valueFor(doc, { ...s, type: 'object' }, depth);
  }
  if (choices.length === 0) return wild;
  return fc.oneof({ arbitrary: fc.oneof(...choices), weight: 5 }, { arbitrary: wild, weight: 1 });
}

export interface HostileRequest {
  method: string;
  /** Path and query, ready to append to the base URL. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** What was meant to be sent, for the failure report. */
  note: string;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/jose',
  '*/*',
  'garbage',
];

/**
 * One generated request to an operation: path parameters (real ids of the test's objects, UUIDs,
 * hostile strings), query parameters (declared and not, repeated), headers and a body (shaped by
 * the schema, any JSON, or raw text under any content type).
 */
export function requestFor(doc: OpenApiDocument, op: Operation, ids: string[], auth: fc.Arbitrary<string | undefined>): fc.Arbitrary<HostileRequest> {
  const pathValue = fc.oneof({ arbitrary: fc.constantFrom(...ids), weight: 3 }, { arbitrary: fc.uuid(), weight: 1 }, { arbitrary: hostileString, weight: 2 });
  const pathValues = fc.tuple(...op.pathParams.map(() => fc.tuple(pathValue, fc.boolean())));
  const declared = op.parameters.filter((p) => p.in === 'query');
  const queryValue = (schema?: Schema) => fc.oneof(valueFor(doc, schema).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')), hostileString);
  const query = fc.tuple(
    fc.tuple(...declared.map((p) => fc.option(fc.array(queryValue(p.schema), { minLength: 1, maxLength: 3 }), { nil: undefined }))),
    fc.option(fc.tuple(hostileString, hostileString), { nil: undefined }),
    fc.option(fc.constantFrom('%', '%zz', 'a[b]=c', 'a[__proto__][x]=1', '&&&', '=x', 'limit=1&limit=2'), { nil: undefined }),
  );
  const canHaveBody = op.method !== 'GET';
  const body: fc.Arbitrary<{ type?: string; text?: string; kind: string }> = canHaveBody
    ? fc.oneof(
        { arbitrary: valueFor(doc, op.body).map((v) => ({ kind: 'schema', type: 'application/json', text: JSON.stringify(v) ?? 'null' })), weight: 4 },
        { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ kind: 'json', type: 'application/json', text: JSON.stringify(v) })), weight: 2 },
        { arbitrary: fc.tuple(fc.constantFrom(...CONTENT_TYPES), fc.oneof(hostileString, fc.constantFrom('{"a":', '{"a":1}}', '[', 'a=1&b=2', '<x/>', '--xyz\r\n\r\n--xyz--'))).map(([type, text]) => ({ kind: 'raw', type, text })), weight: 2 },
        { arbitrary: fc.constant({ kind: 'none' }), weight: 1 },
      )
    : fc.constant({ kind: 'none' });
  const headers = fc.record(
    {
      accept: fc.constantFrom('application/json', 'application/problem+json', 'text/html', 'application/xml', '*/*', 'garbage/;;'),
      'x-request-id': headerValue,
      'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'),
      'x-forwarded-for': headerValue,
      'x-http-method-override': fc.constantFrom('DELETE', 'PUT', 'GET'),
      origin: fc.constantFrom('https://evil.example', 'null', 'https://shop.example'),
      'if-none-match': headerValue,
      range: fc.constantFrom('bytes=0-1', 'bytes=-1', 'items=1-2'),
    },
    { requiredKeys: [] },
  );
  return fc.tuple(pathValues, query, body, headers, auth).map(([params, [declaredValues, extra, raw], b, h, credential]) => {
    let i = 0;
    const path = op.path.replace(/\{[^}]+\}/g, () => {
      // A lone surrogate cannot be percent-encoded: the client would replace it anyway.
      const value = (params[i][0] as string & { toWellFormed(): string }).toWellFormed();
      const encode = params[i++][1];
      // Unencoded: the URL parser of the client (and then the server) makes what it will of it.
      return encode ? encodeURIComponent(value) : value.replace(/[?#]/g, encodeURIComponent);
    });
    const search = new URLSearchParams();
    declared.forEach((p, k) => declaredValues[k]?.forEach((v) => search.append(p.name, v)));
    if (extra) search.append(extra[0], extra[1]);
    const qs = [search.toString(), raw ?? ''].filter(Boolean).join('&');
    const out: Record<string, string> = { ...h };
    if (credential !== undefined) out.authorization = credential;
    if (b.type) out['content-type'] = b.type;
    // A body with a content-encoding it does not have must fail cleanly, but not every time.
    if (b.kind === 'none' || h['content-encoding'] === 'identity') delete out['content-encoding'];
    return { method: op.method, url: `${path}${qs ? `?${qs}` : ''}`, headers: out, body: b.kind === 'none' ? undefined : b.text, note: b.kind };
  });
}
