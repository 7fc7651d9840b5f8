import { MOMO_SANDBOX_PRODUCTS } from '../sandbox-accounts.js';
import { MOMO_TOKEN_REQUIRES_TRAILING_SLASH, type MomoOperation, type MomoProduct, type MomoTransactionKind } from './momo-sandbox.constants.js';

/** One of MoMo's wire operations, with the parameters its path carries (§3, §4, §5). */
export type WireRoute =
  | { operation: 'createApiUser' }
  | { operation: 'createApiKey'; apiUser: string }
  | { operation: 'getApiUser'; apiUser: string }
  | { operation: 'token'; product: MomoProduct }
  | { operation: 'requesttopay'; product: 'collection'; kind: 'requesttopay' }
  | { operation: 'transfer'; product: 'disbursement'; kind: 'transfer' }
  | { operation: 'status'; product: MomoProduct; kind: MomoTransactionKind; referenceId: string }
  | { operation: 'balance'; product: MomoProduct; currency?: string }
  | { operation: 'accountholderActive'; product: MomoProduct; idType: string; id: string }
  | { operation: 'basicUserInfo'; product: MomoProduct; idType: string; id: string };

// Every wire operation has a route shape, and nothing else has one.
type Covers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const covered: Covers<WireRoute['operation'], MomoOperation> = true;
void covered;

export type RouteMatch =
  | { kind: 'route'; route: WireRoute }
  /** A path with an empty segment (`//`): 400 (§7.3 "a URL has a doubled ///"). */
  | { kind: 'malformed'; product?: MomoProduct }
  /** No such operation (path or method): the gateway's 404. */
  | { kind: 'none'; product?: MomoProduct };

function isProduct(value: string | undefined): value is MomoProduct {
  return (MOMO_SANDBOX_PRODUCTS as readonly string[]).includes(value ?? '');
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Which MoMo operation a method and path (below `/sandbox/momo`, without the query) are. Pure, so
 * the routing rules are unit-tested: exact paths, `/token/` with its trailing slash, the requesttopay
 * status under collection only and the transfer status under disbursement only.
 */
export function matchWireRoute(method: string, path: string): RouteMatch {
  const raw = path.split('/').slice(1);
  const product = isProduct(raw[0]) ? raw[0] : undefined;
  if (path.includes('//')) return { kind: 'malformed', product };
  const trailingSlash = raw.length > 1 && raw[raw.length - 1] === '';
  const segments = (trailingSlash ? raw.slice(0, -1) : raw).map(decode);
  if (segments.some((s) => s === undefined)) return { kind: 'none', product };
  const s = segments as string[];
  const shape = s.map((part, i) => (i === 0 && isProduct(part) ? '{product}' : part)).join('/');
  const none: RouteMatch = { kind: 'none', product };
  const route = (r: WireRoute): RouteMatch => ({ kind: 'route', route: r });

  // Provisioning: at the root, no product prefix (§3).
  if (s[0] === 'v1_0' && s[1] === 'apiuser' && !trailingSlash) {
    if (s.length === 2 && method === 'POST') return route({ operation: 'createApiUser' });
    if (s.length === 3 && method === 'GET') return route({ operation: 'getApiUser', apiUser: s[2]! });
    if (s.length === 4 && s[3] === 'apikey' && method === 'POST') return route({ operation: 'createApiKey', apiUser: s[2]! });
    return none;
  }
  if (!product) return none;
  if (shape === '{product}/token') {
    if (method !== 'POST' || (MOMO_TOKEN_REQUIRES_TRAILING_SLASH && !trailingSlash)) return none;
    return route({ operation: 'token', product });
  }
  if (trailingSlash) return none;
  if (method === 'POST') {
    if (product === 'collection' && shape === '{product}/v1_0/requesttopay') return route({ operation: 'requesttopay', product, kind: 'requesttopay' });
    if (product === 'disbursement' && shape === '{product}/v1_0/transfer') return route({ operation: 'transfer', product, kind: 'transfer' });
    return none;
  }
  if (method !== 'GET') return none;
  if (s.length === 4 && s[1] === 'v1_0') {
    if (product === 'collection' && s[2] === 'requesttopay') return route({ operation: 'status', product, kind: 'requesttopay', referenceId: s[3]! });
    if (product === 'disbursement' && s[2] === 'transfer') return route({ operation: 'status', product, kind: 'transfer', referenceId: s[3]! });
  }
  if (shape === '{product}/v1_0/account/balance') return route({ operation: 'balance', product });
  if (s.length === 5 && shape.startsWith('{product}/v1_0/account/balance/')) return route({ operation: 'balance', product, currency: s[4]! });
  if (s.length === 6 && s[1] === 'v1_0' && s[2] === 'accountholder') {
    if (s[5] === 'active') return route({ operation: 'accountholderActive', product, idType: s[3]!, id: s[4]! });
    if (s[5] === 'basicuserinfo') return route({ operation: 'basicUserInfo', product, idType: s[3]!, id: s[4]! });
  }
  return none;
}
