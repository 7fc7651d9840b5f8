import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** One field that failed validation, as merchants see it. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * The one error type of Gatehouse. Services throw it with a stable code; the problem-details
 * filter turns it into `application/problem+json`. `detail` is shown to the caller, so it must
 * never carry a secret; `cause` is for the server log only.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail ?? ERROR_CODES[code].title, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.headers = options.headers;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
