import { randomUUID } from 'node:crypto';
import { call } from './test-app.js';

/** A JSON schema as Swagger writes it (the parts the tests read). */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
  example?: unknown;
  additionalProperties?: boolean | Schema;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

export type Security = 'merchant-key' | 'admin-token' | 'none';

export interface Operation {
  method: string;
  /** The OpenAPI template, e.g. `/v1/consents/{id}`. */
  path: string;
  /** `GET /v1/consents/{id}`: how the tables of the tests name an operation. */
  route: string;
  security: Security;
  parameters: Parameter[];
  pathParams: string[];
  body?: Schema;
  tags: string[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: Record<string, string[]>[]; tags?: string[] }>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** The running app's OpenAPI document (`/docs-json`), so new routes are covered when they land. */
export async function fetchOpenApi(baseUrl: string): Promise<OpenApiDocument> {
  const reply = await call<OpenApiDocument>(baseUrl, 'GET', '/docs-json');
  if (reply.status !== 200) throw new Error(`/docs-json answered ${reply.status}`);
  return reply.body;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => {
        const scheme = Object.keys(op.security?.[0] ?? {})[0];
        const json = op.requestBody?.content?.['application/json']?.schema;
        return {
          method: method.toUpperCase(),
          path,
          route: `${method.toUpperCase()} ${path}`,
          security: (scheme === 'merchant-key' || scheme === 'admin-token' ? scheme : 'none') as Security,
          parameters: op.parameters ?? [],
          pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
          body: json,
          tags: op.tags ?? [],
        };
      }),
  );
}

/** Resolves `$ref`s and `allOf`s of a schema one level (enough to walk Swagger's output). */
export function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) return resolve(doc, doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
  if (schema.allOf?.length === 1) return { ...resolve(doc, schema.allOf[0]), ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== 'allOf')) };
  return schema;
}

/** The path with its parameters filled (each value URL-encoded once). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? randomUUID()));
}

/** The credential an operation asks for, from the ones the test holds. */
export function credentialFor(op: Operation, credentials: { merchantKey: string; adminToken: string }): string | undefined {
  return op.security === 'merchant-key' ? credentials.merchantKey : op.security === 'admin-token' ? credentials.adminToken : undefined;
}
