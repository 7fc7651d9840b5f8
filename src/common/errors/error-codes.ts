/**
 * Every error Gatehouse answers with has one of these stable codes. The code, not the message,
 * is the contract with merchants; the HTTP status for each code is decided here and nowhere else.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  BAD_REQUEST: { status: 400, title: 'The request cannot be processed' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  FORBIDDEN: { status: 403, title: 'This credential may not do that' },
  INSUFFICIENT_SCOPE: { status: 403, title: 'The API key lacks a required scope' },
  ADMIN_DISABLED: { status: 403, title: 'The admin API is disabled' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed as sent' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  VELOCITY_LIMIT_EXCEEDED: { status: 429, title: 'Too many payments from this payer for now' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The idempotency key was used for a different request' },
  IDEMPOTENCY_KEY_IN_USE: { status: 409, title: 'A request with this idempotency key is still running' },
  PROVIDER_OPERATION_UNSUPPORTED: { status: 422, title: 'The provider cannot do this' },
  WEBHOOK_URL_NOT_ALLOWED: { status: 422, title: 'The webhook URL is not an allowed target' },
  INVALID_OAUTH_STATE: { status: 400, title: 'The authorization response does not match a pending consent' },
  CONSENT_STATE_CONFLICT: { status: 409, title: 'The consent is not in a state that allows this' },
  CONSENT_NOT_ACTIVE: { status: 409, title: 'The consent is not valid (any more)' },
  CONSENT_SCOPE_MISSING: { status: 403, title: 'The consent does not grant the scope this needs' },
  CONSENT_PSU_MISMATCH: { status: 403, title: 'The consent is bound to another PSU (person and customer)' },
  PROVIDER_REJECTED: { status: 422, title: 'The payment provider refused the operation' },
  INTERNAL: { status: 500, title: 'Internal error' },
  PROVIDER_ERROR: { status: 502, title: 'The payment provider answered with an error' },
  PROVIDER_UNAVAILABLE: { status: 503, title: 'The payment provider is failing; calls are paused briefly' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is temporarily unavailable' },
  PROVIDER_TIMEOUT: { status: 504, title: 'The payment provider did not answer in time' },
  INVALID_SIGNATURE: { status: 401, title: 'The message could not be decrypted or verified' },
  INVALID_TIMESTAMP: { status: 401, title: 'The request timestamp is outside the accepted window' },
  REPLAY_DETECTED: { status: 401, title: 'The message was already received' },
  CREDENTIAL_EXPIRED: { status: 401, title: 'The credential has expired' },
  INVALID_KEY: { status: 500, title: 'A configured key cannot be used' },
  DECRYPTION_FAILED: { status: 500, title: 'A stored secret could not be decrypted' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
