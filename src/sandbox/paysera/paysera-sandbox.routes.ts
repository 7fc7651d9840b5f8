import type { PayseraOperation } from './paysera-sandbox.constants.js';

/**
 * Paysera's wire paths (A.1, A.8, A.9) below the emulator's mount point, matched by a table.
 * The legacy `/wallet` prefix (A.1) is an alias, so the PHP library's vectors can be replayed.
 */

export interface RouteMatch {
  operation: PayseraOperation;
  params: Record<string, string>;
}

type Route = [method: string, pattern: RegExp, operation: PayseraOperation, names: string[]];

const ID = '([^/]+)';
const ROUTES: Route[] = [
  ['GET', /^\/oauth$/, 'authorize', []],
  ['POST', /^\/oauth$/, 'authorize', []],
  // The transaction confirmation page, {auth}/wallet/confirm/{key} (A.1); `/wallet` is dropped as for every path.
  ['GET', new RegExp(`^/confirm/${ID}$`), 'transaction.page', ['key']],
  ['POST', new RegExp(`^/confirm/${ID}$`), 'transaction.page', ['key']],
  ['POST', /^\/oauth\/v1\/token$/, 'token', []],
  ['DELETE', /^\/oauth\/v1\/token$/, 'token.revoke', []],
  ['GET', /^\/publickey$/, 'publickey', []],
  ['GET', /^\/rest\/v1\/server$/, 'server', []],
  ['GET', new RegExp(`^/rest/v1/user/${ID}$`), 'user.get', ['user']],
  ['GET', new RegExp(`^/rest/v1/wallet/${ID}/balance$`), 'wallet.balance', ['wallet']],
  ['GET', new RegExp(`^/rest/v1/wallet/${ID}$`), 'wallet.get', ['wallet']],
  ['POST', /^\/rest\/v1\/payment$/, 'payment.create', []],
  ['GET', new RegExp(`^/rest/v1/payment/${ID}$`), 'payment.get', ['id']],
  ['DELETE', new RegExp(`^/rest/v1/payment/${ID}$`), 'payment.cancel', ['id']],
  ['POST', /^\/rest\/v1\/transaction$/, 'transaction.create', []],
  ['GET', new RegExp(`^/rest/v1/transaction/${ID}$`), 'transaction.get', ['key']],
  ['DELETE', new RegExp(`^/rest/v1/transaction/${ID}$`), 'transaction.revoke', ['key']],
  ['PUT', new RegExp(`^/rest/v1/transaction/${ID}/confirm$`), 'transaction.confirm', ['key']],
  ['PUT', new RegExp(`^/rest/v1/transaction/${ID}/reserve$`), 'transaction.reserve', ['key']],
  ['PUT', new RegExp(`^/rest/v1/transaction/${ID}/reserve/${ID}$`), 'transaction.reserve', ['key', 'payer']],
  ['POST', /^\/rest\/v1\/allowance$/, 'allowance.create', []],
  ['GET', new RegExp(`^/rest/v1/allowance/active/${ID}$`), 'allowance.active', ['wallet']],
  ['GET', new RegExp(`^/rest/v1/allowance/${ID}$`), 'allowance.get', ['id']],
  ['DELETE', new RegExp(`^/rest/v1/allowance/${ID}$`), 'allowance.cancel', ['id']],
];

/** The path below the mount point: repeated slashes collapsed, a trailing slash and `/wallet` dropped. */
export function subPath(originalUrl: string, mount: string): string | undefined {
  const path = originalUrl.split('?')[0]!.replace(/\/{2,}/g, '/');
  if (path !== mount && !path.startsWith(`${mount}/`)) return undefined;
  let rest = path.slice(mount.length).replace(/(.)\/$/, '$1') || '/';
  if (rest === '/wallet' || rest.startsWith('/wallet/')) rest = rest.slice('/wallet'.length) || '/';
  return rest;
}

/** `match` is the route; `allowed` lists the methods of a path that exists under another method (405). */
export function matchRoute(method: string, path: string): { match?: RouteMatch; allowed: string[] } {
  const allowed: string[] = [];
  for (const [routeMethod, pattern, operation, names] of ROUTES) {
    const found = pattern.exec(path);
    if (!found) continue;
    if (routeMethod !== method.toUpperCase()) {
      allowed.push(routeMethod);
      continue;
    }
    const params: Record<string, string> = {};
    names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1]!)));
    return { match: { operation, params }, allowed };
  }
  return { allowed: [...new Set(allowed)] };
}
