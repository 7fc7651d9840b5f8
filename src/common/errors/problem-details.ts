import type { Request, Response } from 'express';
import type { AppError, FieldError } from './app-error.js';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, plus Gatehouse's stable `code` and the request id. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export function problemType(code: ErrorCode): string {
  return `urn:gatehouse:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

export function toProblem(error: AppError, request?: Pick<Request, 'path'> & { id?: unknown }): ProblemDetails {
  const { status, title } = ERROR_CODES[error.code];
  return {
    type: problemType(error.code),
    title,
    status,
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(request?.path ? { instance: request.path } : {}),
    ...(request?.id !== undefined ? { requestId: String(request.id) } : {}),
    ...(error.errors?.length ? { errors: error.errors } : {}),
  };
}

/** Writes the problem as the response; the single place where an error becomes HTTP. */
export function sendProblem(response: Response, request: Request, error: AppError): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  for (const [name, value] of Object.entries(error.headers ?? {})) response.setHeader(name, value);
  if (error.code === 'UNAUTHENTICATED') response.setHeader('WWW-Authenticate', 'Bearer');
  response.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(toProblem(error, request)));
}
