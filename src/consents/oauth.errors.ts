/** The provider's token endpoint refused a grant (RFC 6749 `invalid_grant`): re-consent needed. */
export class OAuthGrantError extends Error {
  constructor(readonly error: string, description?: string) {
    super(description ? `${error}: ${description}` : error);
    this.name = 'OAuthGrantError';
  }
}

/** A provider answered 401 to a call made with a token we thought was valid. */
export class ProviderUnauthorizedError extends Error {
  constructor(message = 'the provider rejected the access token') {
    super(message);
    this.name = 'ProviderUnauthorizedError';
  }
}
