import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { parseApiKey } from './api-key.codec.js';
import { bearerToken } from './merchant.guard.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Guards the operator's admin API with `Authorization: Bearer <ADMIN_TOKEN>`. */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly logger = new Logger(AdminGuard.name);
  private readonly expected?: Buffer;

  constructor(config: AppConfig) {
    this.expected = config.adminToken ? digest(config.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!this.expected) throw new AppError('ADMIN_DISABLED', 'Set ADMIN_TOKEN to enable the admin API.');
    const token = bearerToken(request.headers.authorization);
    if (token && parseApiKey(token)) {
      // A merchant credential is valid somewhere, just not here.
      throw new AppError('FORBIDDEN', 'Merchant API keys cannot use the admin API.');
    }
    // Hashing first makes the comparison constant-time whatever the presented length.
    if (!token || !timingSafeEqual(digest(token), this.expected)) {
      this.logger.warn({ requestId: request.id }, 'admin authentication failed');
      throw new AppError('UNAUTHENTICATED', 'The admin token is missing or wrong.');
    }
    return true;
  }
}
