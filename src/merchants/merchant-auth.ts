import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiKeyScope } from './api-key.codec.js';
import type { ApiKey } from './api-key.entity.js';
import type { Merchant } from './merchant.entity.js';

/** What MerchantGuard attaches to an authenticated request. */
export interface MerchantPrincipal {
  merchant: Merchant;
  apiKey: Pick<ApiKey, 'id' | 'prefix' | 'scopes' | 'mode'>;
}

export type MerchantRequest = Request & { principal?: MerchantPrincipal };

export const REQUIRED_SCOPES = 'gatehouse:required-scopes';

/** Scopes the caller's API key must all have. Routes without it need only a valid key. */
export const RequireScopes = (...scopes: ApiKeyScope[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The authenticated merchant; every query a handler makes is scoped by its id. */
export const CurrentMerchant = createParamDecorator((_: unknown, ctx: ExecutionContext): Merchant => {
  const principal = ctx.switchToHttp().getRequest<MerchantRequest>().principal;
  // MerchantGuard runs first on every route that uses this decorator.
  if (!principal) throw new Error('CurrentMerchant used on a route without MerchantGuard');
  return principal.merchant;
});
