import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';

/**
 * Marks a merchant POST as honouring `Idempotency-Key`. Every merchant POST carries it (a test
 * walks every controller and fails on one that does not); it is put on the routes rather than
 * registered globally so that reads do not pay for an interceptor pipeline they never use.
 */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Any unique string (a UUID): a retry with the same key gets the first answer, never a second execution. Kept 24 hours.',
    }),
  );
