import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { AppError } from './app-error.js';
import { isDatabaseUnavailable, toAppError } from './to-app-error.js';
import { toProblem } from './problem-details.js';

describe('toAppError', () => {
  it('keeps AppErrors as they are', () => {
    const err = new AppError('NOT_FOUND', 'No such thing.');
    expect(toAppError(err)).toBe(err);
  });

  it('maps body-parser failures by their type', () => {
    expect(toAppError(Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 })).code).toBe('MALFORMED_JSON');
    expect(toAppError(Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 })).code).toBe('PAYLOAD_TOO_LARGE');
    expect(toAppError(Object.assign(new Error('x'), { type: 'encoding.unsupported', status: 415 })).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('maps the body parsers\' untyped client errors (a body that does not decompress) by status, not to 500', () => {
    const zlib = Object.assign(new Error('incorrect header check'), { errno: -3, code: 'Z_DATA_ERROR', expose: true, status: 400, statusCode: 400 });
    expect(toAppError(zlib)).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    // Not for anything else that happens to carry a status.
    expect(toAppError(Object.assign(new Error('x'), { status: 400 })).code).toBe('INTERNAL');
  });

  it('tells an unknown route from a missing resource', () => {
    expect(toAppError(new NotFoundException('Cannot GET /nope'), { method: 'GET', path: '/nope' })).toMatchObject({ code: 'ROUTE_NOT_FOUND', detail: 'No route matches GET /nope.' });
    expect(toAppError(new NotFoundException('gone')).code).toBe('NOT_FOUND');
    expect(toAppError(new BadRequestException('nope')).code).toBe('BAD_REQUEST');
    expect(toAppError(new PayloadTooLargeException()).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('turns a database that is away into 503 with Retry-After', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const error = toAppError({ name: 'QueryFailedError', message: 'x', driverError: refused });
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', headers: { 'Retry-After': '5' } });
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  });

  it('hides unexpected errors behind INTERNAL, keeping the cause for the log only', () => {
    const boom = new Error('secret=hunter2 at /srv/app.js:10');
    const error = toAppError(boom);
    expect(error.code).toBe('INTERNAL');
    expect(error.cause).toBe(boom);
    const problem = JSON.stringify(toProblem(error, { path: '/v1/x', id: 'req-1' }));
    expect(problem).not.toContain('hunter2');
    expect(JSON.parse(problem)).toEqual({ type: 'urn:gatehouse:problem:internal', title: 'Internal error', status: 500, code: 'INTERNAL', instance: '/v1/x', requestId: 'req-1' });
  });
});
