import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/errors/app-error.js';
import type { ApiKeyScope } from './api-key.codec.js';
import { ApiKeysService } from './api-keys.service.js';
import { type MerchantRequest, REQUIRED_SCOPES } from './merchant-auth.js';
import { MERCHANT_RATE_LIMITER } from './rate-limit.config.js';
import type { RateLimiter } from './rate-limiter.js';

/** Extracts the token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Authenticates `Authorization: Bearer gh_<mode>_...` API keys. A missing, malformed, unknown,
 * wrong-mode or revoked key gets the same 401, so nothing can be learnt about which keys exist.
 * Then the merchant's rate limit (429 with Retry-After), before any work is done.
 */
@Injectable()
export class MerchantGuard implements CanActivate {
  private readonly logger = new Logger(MerchantGuard.name);

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly reflector: Reflector,
    @Inject(MERCHANT_RATE_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<MerchantRequest>();
    const token = bearerToken(request.headers.authorization);
    const principal = token ? await this.apiKeys.authenticate(token) : undefined;
    if (!principal) {
      this.logger.warn({ requestId: request.id, reason: token ? 'invalid key' : 'no bearer token' }, 'merchant authentication failed');
      throw new AppError('UNAUTHENTICATED', 'A valid API key is required: Authorization: Bearer <key>.');
    }
    if (principal.merchant.status !== 'active') {
      throw new AppError('FORBIDDEN', 'This merchant is disabled.');
    }
    const required = this.reflector.getAllAndOverride<ApiKeyScope[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]) ?? [];
    const missing = required.filter((scope) => !principal.apiKey.scopes.includes(scope));
    if (missing.length) {
      throw new AppError('INSUFFICIENT_SCOPE', `This API key lacks the scope(s): ${missing.join(', ')}.`);
    }
    const wait = this.limiter.take(principal.merchant.id);
    if (wait > 0) {
      throw new AppError('RATE_LIMITED', `Too many requests for this merchant; retry in ${wait} s.`, { headers: { 'Retry-After': String(wait) } });
    }
    request.principal = principal;
    return true;
  }
}
