import type { PagaFailableOperation } from './paga-sandbox.constants.js';
import type { ForcedFailure } from './paga-sandbox.store.js';
import { oauthError, type WireReply } from './paga-sandbox.wire.js';

/** The OAuth `error` a forced HTTP failure carries, by status (the token endpoint speaks of clients and grants). */
function errorFor(operation: PagaFailableOperation, status: number): string {
  if (status === 400) return operation === 'token' ? 'invalid_grant' : 'invalid_request';
  if (status === 401) return operation === 'token' ? 'invalid_client' : 'invalid_token';
  if (status === 403) return 'access_denied';
  if (status === 429) return 'too_many_requests';
  if (status >= 500) return 'server_error';
  return 'error';
}

/** The reply of a call failed on purpose with an HTTP status (`__control/fail-next` with httpStatus). */
export function forcedHttpFailure(operation: PagaFailableOperation, failure: ForcedFailure): WireReply {
  const status = failure.httpStatus!;
  const error = errorFor(operation, status);
  const description = failure.errorMessage ?? 'Failure forced by the sandbox control API.';
  const headers: Record<string, string> = {};
  if (status === 401) headers['WWW-Authenticate'] = operation === 'token' ? 'Basic realm="oauth2/client"' : `Bearer realm="paga-sandbox", error="invalid_token"`;
  if (status === 429 || status === 503) headers['Retry-After'] = '1';
  return oauthError(status, error, description, headers);
}
