import { type CallHandler, type ExecutionContext, HttpStatus, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import type { Response } from 'express';
import { catchError, from, mergeMap, type Observable, of, throwError } from 'rxjs';
import { AppError } from '../common/errors/app-error.js';
import { toProblem } from '../common/errors/problem-details.js';
import { toAppError } from '../common/errors/to-app-error.js';
import type { MerchantRequest } from '../merchants/merchant-auth.js';
import { IDEMPOTENCY_CONFIG, type IdempotencyConfig } from './idempotency.config.js';
import { isValidIdempotencyKey, requestFingerprint } from './idempotency.fingerprint.js';
import { IdempotencyStore } from './idempotency.store.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

// Answers that mean "the request never ran": kept out of the store, so the key can be used again.
const NOT_EXECUTED = new Set(['VALIDATION_FAILED', 'MALFORMED_JSON', 'BAD_REQUEST', 'RATE_LIMITED', 'VELOCITY_LIMIT_EXCEEDED', 'SERVICE_UNAVAILABLE', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE']);

/**
 * `Idempotency-Key` on every merchant POST (as Stripe does): the first request with a key runs;
 * a retry with the same key and the same request gets the stored answer (header
 * `Idempotent-Replayed: true`), errors from the provider included; the same key with another
 * request is 422; while the first still runs, 409. Stored answers live IDEMPOTENCY_TTL_S (24 h).
 * Without the header nothing changes (money routes are still idempotent by their `reference`).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    @Inject(IDEMPOTENCY_CONFIG) private readonly config: IdempotencyConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<MerchantRequest>();
    const raw = request.headers[IDEMPOTENCY_HEADER];
    const principal = request.principal;
    if (request.method !== 'POST' || raw === undefined || !principal) return next.handle();
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (Array.isArray(raw) || !isValidIdempotencyKey(key)) {
      return throwError(() => new AppError('VALIDATION_FAILED', 'Idempotency-Key must be one value of 1 to 255 visible ASCII characters.', { errors: [{ field: 'Idempotency-Key', message: 'is not a valid idempotency key' }] }));
    }
    const merchantId = principal.merchant.id;
    const fingerprint = requestFingerprint(request.method, request.originalUrl, request.body);
    const response = context.switchToHttp().getResponse<Response>();
    const successStatus = (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? HttpStatus.CREATED;

    return from(this.store.claim(merchantId, key, fingerprint, this.config.leaseSeconds, this.config.ttlSeconds)).pipe(
      mergeMap((claim) => {
        switch (claim.kind) {
          case 'mismatch':
            return throwError(() => new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request; use a new key.'));
          case 'running':
            return throwError(() => new AppError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still being processed; retry shortly.', { headers: { 'Retry-After': '1' } }));
          case 'done':
            response.setHeader(REPLAYED_HEADER, 'true');
            return replay(claim.response);
          case 'claimed':
            return this.run(next, merchantId, key, successStatus, request);
        }
      }),
    );
  }

  private run(next: CallHandler, merchantId: string, key: string, status: number, request: MerchantRequest): Observable<unknown> {
    return next.handle().pipe(
      mergeMap((body) => from(this.store.complete(merchantId, key, { status, body: JSON.stringify(body ?? null) })).pipe(mergeMap(() => of(body)))),
      catchError((err: unknown) => {
        const error = toAppError(err, request);
        const settle = NOT_EXECUTED.has(error.code)
          ? this.store.release(merchantId, key)
          : this.store.complete(merchantId, key, { status: error.status, body: JSON.stringify(toProblem(error)) });
        // If storing fails, the claim's lease runs out and a retry runs again: never worse than no key.
        return from(settle.catch(() => undefined)).pipe(mergeMap(() => throwError(() => err)));
      }),
    );
  }
}

/** A stored answer again: a resource as the handler returned it, a problem as the same error. */
function replay(stored: { status: number; body: string }): Observable<unknown> {
  const body = JSON.parse(stored.body) as Record<string, unknown> | null;
  if (stored.status < 400) return of(body);
  const problem = body as { code: ConstructorParameters<typeof AppError>[0]; detail?: string; errors?: never };
  return throwError(() => new AppError(problem.code, problem.detail, { errors: problem.errors }));
}

