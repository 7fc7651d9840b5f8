import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from './problem-details.js';
import { toAppError } from './to-app-error.js';

const logger = new Logger('Errors');

function answer(exception: unknown, request: Request, response: Response): void {
  const error = toAppError(exception, request);
  if (error.status >= 500) {
    // The stack goes to the log only, tied to the request id the caller received.
    logger.error({ err: error.cause ?? error, requestId: request.id, errorCode: error.code }, 'request failed');
  }
  sendProblem(response, request, error);
}

/** Nest's side: every exception from guards, pipes, handlers and the 404 route handler. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    answer(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }
}

/** Express's side: errors raised by Express middleware (body parsers) before Nest sees the request. */
export function problemDetailsErrorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  answer(err, req, res);
}
