import { HttpException } from '@nestjs/common';
import { AppError } from './app-error.js';
import type { ErrorCode } from './error-codes.js';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

// body-parser (http-errors) types that describe the client's mistake.
const BODY_PARSER_TYPES: Record<string, { code: ErrorCode; detail: string }> = {
  'entity.parse.failed': { code: 'MALFORMED_JSON', detail: 'The request body could not be parsed as JSON.' },
  'entity.too.large': { code: 'PAYLOAD_TOO_LARGE', detail: 'The request body exceeds the size limit.' },
  'entity.verify.failed': { code: 'BAD_REQUEST', detail: 'The request body was rejected.' },
  'encoding.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The content encoding is not supported.' },
  'charset.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The charset is not supported.' },
  'request.aborted': { code: 'BAD_REQUEST', detail: 'The request was aborted by the client.' },
  'request.size.invalid': { code: 'BAD_REQUEST', detail: 'The request body length does not match Content-Length.' },
  'stream.encoding.set': { code: 'BAD_REQUEST', detail: 'The request body could not be read.' },
};

// Postgres and driver conditions that mean "the database is away", not "the request is bad".
const DB_UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const DB_UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is not established',
];

/**
 * Maps anything thrown while serving a request to the one error type. Pure, so every mapping
 * is unit-tested; unknown errors become INTERNAL (the cause stays in the server log).
 */
export function toAppError(exception: unknown, request?: { method?: string; path?: string }): AppError {
  if (exception instanceof AppError) return exception;

  const parserError = bodyParserError(exception);
  if (parserError) return new AppError(parserError.code, parserError.detail, { cause: exception });

  if (isDatabaseUnavailable(exception)) {
    return new AppError('SERVICE_UNAVAILABLE', 'The database is not reachable; retry shortly.', {
      headers: { 'Retry-After': '5' },
      cause: exception,
    });
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404 && /^Cannot [A-Z]+ /.test(exception.message)) {
      return new AppError('ROUTE_NOT_FOUND', `No route matches ${request?.method ?? ''} ${request?.path ?? ''}`.trim() + '.');
    }
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
    return new AppError(code, status >= 500 ? undefined : exception.message, { cause: exception });
  }

  return new AppError('INTERNAL', undefined, { cause: exception });
}

function bodyParserError(exception: unknown): { code: ErrorCode; detail: string } | undefined {
  if (typeof exception !== 'object' || exception === null || exception instanceof HttpException) return undefined;
  const { type, expose, status } = exception as { type?: unknown; expose?: unknown; status?: unknown };
  if (typeof type === 'string' && BODY_PARSER_TYPES[type]) return BODY_PARSER_TYPES[type];
  // The parsers' other refusals are http-errors meant for the client (`expose`), without a type:
  // e.g. a body that does not decompress as its Content-Encoding says.
  if (expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return { code: STATUS_CODES[status] ?? 'BAD_REQUEST', detail: 'The request body could not be read (is it encoded as its Content-Encoding says?).' };
  }
  return undefined;
}

export function isDatabaseUnavailable(exception: unknown): boolean {
  for (let e: unknown = exception, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const err = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof err.code === 'string' && (DB_UNAVAILABLE_ERRNO.has(err.code) || /^(08|57P)/.test(err.code))) return true;
    if (typeof err.message === 'string' && DB_UNAVAILABLE_MESSAGES.some((m) => (err.message as string).includes(m))) return true;
    e = err.driverError ?? err.cause;
  }
  return false;
}
