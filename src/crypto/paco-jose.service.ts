import { AppError } from '../common/errors/app-error.js';
import { silentLogger, systemClock, type CryptoLogger, type EpochClock } from './crypto-logger.js';
import {
  assertAllowlist,
  decryptCompact,
  encryptCompact,
  isPlainObject,
  JoseRejection,
  JWE_CONTENT_ALGORITHMS,
  JWE_KEY_ALGORITHMS,
  JWS_ALGORITHMS,
  parseClaims,
  signCompact,
  verifyCompact,
  type DecodedHeader,
  type JweContentAlgorithm,
  type JweKeyAlgorithm,
  type JwePolicy,
  type JwsAlgorithm,
  type JwsHeader,
  type JwsPolicy,
} from './jose-layers.js';
import type { RsaKey } from './key-loader.js';
import type { ReplayStore } from './replay.store.js';

/*
 * 2C2P PACO message protection: claims -> JWS (PS256, typ JWT) -> JWE (RSA-OAEP + A128CBC-HS256,
 * kid, typ JWT), and the reverse with both layers checked. The service reads no provider config:
 * the PACO client builds contexts from the merchant's keys, the emulator from PACO's.
 */

export const PACO_AUDIENCE = 'PacoAudience';
export const PACO_ISSUER = 'PacoIssuer';
export const PACO_REQUEST_TTL_SECONDS = 300;
export const PACO_RESPONSE_TTL_SECONDS = 3600;
export const PACO_CLOCK_TOLERANCE_SECONDS = 60;

/** What PACO and its samples use, in each direction. */
const STRICT = {
  signing: ['PS256'] as JwsAlgorithm[],
  keyManagement: ['RSA-OAEP'] as JweKeyAlgorithm[],
  contentEncryption: ['A128CBC-HS256'] as JweContentAlgorithm[],
};
/** The emulator accepts the wider (unconfirmed) set for requests, still RSA-OAEP only. */
const EMULATOR_REQUEST = {
  signing: [...JWS_ALGORITHMS] as JwsAlgorithm[],
  keyManagement: ['RSA-OAEP'] as JweKeyAlgorithm[],
  contentEncryption: [...JWE_CONTENT_ALGORITHMS] as JweContentAlgorithm[],
};

export type PacoClaims = Record<string, unknown>;

export interface PacoSealContext {
  readonly signingKey: RsaKey;
  readonly encryptionKey: RsaKey;
  readonly kid?: string;
  readonly signingAlgorithm: JwsAlgorithm;
  readonly keyManagementAlgorithm: JweKeyAlgorithm;
  readonly contentEncryptionAlgorithm: JweContentAlgorithm;
  /** Adds crit: ["exp"] and an exp header parameter to the JWS (off by default; PACO never asked). */
  readonly critExp: boolean;
}

export interface PacoSealContextInput {
  /** Our private signing key (use "sign"). */
  signingKey: RsaKey;
  /** The recipient's public encryption key (use "encrypt"). */
  encryptionKey: RsaKey;
  /** Key id for the JWE header: the EncryptionKeyId 2C2P issued. */
  kid?: string;
  signingAlgorithm?: JwsAlgorithm;
  keyManagementAlgorithm?: JweKeyAlgorithm;
  contentEncryptionAlgorithm?: JweContentAlgorithm;
  critExp?: boolean;
}

export function createPacoSealContext(input: PacoSealContextInput): PacoSealContext {
  input.signingKey.assertUse('sign');
  input.encryptionKey.assertUse('encrypt');
  const context: PacoSealContext = {
    signingKey: input.signingKey,
    encryptionKey: input.encryptionKey,
    kid: input.kid,
    signingAlgorithm: input.signingAlgorithm ?? 'PS256',
    keyManagementAlgorithm: input.keyManagementAlgorithm ?? 'RSA-OAEP',
    contentEncryptionAlgorithm: input.contentEncryptionAlgorithm ?? 'A128CBC-HS256',
    critExp: input.critExp ?? false,
  };
  assertAllowlist('JWS', [context.signingAlgorithm], JWS_ALGORITHMS);
  assertAllowlist('JWE key management', [context.keyManagementAlgorithm], JWE_KEY_ALGORITHMS);
  assertAllowlist('JWE content encryption', [context.contentEncryptionAlgorithm], JWE_CONTENT_ALGORITHMS);
  return Object.freeze(context);
}

export interface PacoReplayOptions {
  store: ReplayStore;
  /** Prefix for store keys, e.g. "paco:req:<merchant>". */
  namespace: string;
  /** Identifiers to claim; defaults to jti and request.apiRequest.requestMessageID / response message id. */
  idsOf?: (claims: PacoClaims) => string[];
  /** Refuse messages that carry no identifier (default true). */
  requireId?: boolean;
}

export interface PacoOpenContext {
  readonly decryptionKey: RsaKey;
  readonly verificationKey: RsaKey;
  readonly issuers: readonly string[];
  readonly audience: string;
  /** Claim that must hold an object: "request" or "response"; null to not require one. */
  readonly bodyClaim: string | null;
  /** When set, a CompanyApiKey claim, if present, must equal it. */
  readonly companyApiKey?: string;
  readonly jwe: JwePolicy;
  readonly jws: JwsPolicy;
  readonly clockToleranceSeconds: number;
  readonly requiredClaims: readonly string[];
  /** When set, exp - iat may not exceed it. Off by default (PACO's own lifetimes vary: 300 s / 3600 s). */
  readonly maxLifetimeSeconds?: number;
  readonly replay?: Required<PacoReplayOptions>;
}

export interface PacoOpenContextInput {
  /**
   * "response": we (a merchant) open PACO responses and notifications (iss PacoIssuer, strict allowlists).
   * "request": the emulator opens merchants' requests (aud PacoAudience, wider allowlists).
   */
  direction: 'response' | 'request';
  /** Our private decryption key (use "decrypt"). */
  decryptionKey: RsaKey;
  /** The sender's public signing key (use "verify"). */
  verificationKey: RsaKey;
  /** Expected iss: default PacoIssuer for responses; the merchant's token for requests (required). */
  issuer?: string | readonly string[];
  /** Expected aud: our token for responses (required); default PacoAudience for requests. */
  audience?: string;
  /** For requests the CompanyApiKey claim must equal the issuer when present (default: the issuer). */
  companyApiKey?: string;
  expectedKid?: string;
  allow?: {
    signing?: JwsAlgorithm[];
    keyManagement?: JweKeyAlgorithm[];
    contentEncryption?: JweContentAlgorithm[];
  };
  /** Accept crit: ["exp"] on the JWS (default true: some deployments may send it). */
  acceptCritExp?: boolean;
  clockToleranceSeconds?: number;
  requiredClaims?: string[];
  maxLifetimeSeconds?: number;
  bodyClaim?: string | null;
  replay?: PacoReplayOptions;
  maxTokenLength?: number;
}

export function createPacoOpenContext(input: PacoOpenContextInput): PacoOpenContext {
  input.decryptionKey.assertUse('decrypt');
  input.verificationKey.assertUse('verify');
  const isResponse = input.direction === 'response';
  const defaults = isResponse ? STRICT : EMULATOR_REQUEST;
  const issuerInput = input.issuer ?? (isResponse ? PACO_ISSUER : undefined);
  const audience = input.audience ?? (isResponse ? undefined : PACO_AUDIENCE);
  if (issuerInput === undefined || (Array.isArray(issuerInput) && issuerInput.length === 0)) {
    throw new Error('PACO open context needs the expected issuer (the merchant token for requests)');
  }
  if (!audience) throw new Error('PACO open context needs the expected audience (our token for responses)');
  const issuers = typeof issuerInput === 'string' ? [issuerInput] : [...issuerInput];

  const jws: JwsPolicy = {
    algorithms: input.allow?.signing ?? defaults.signing,
    typ: 'JWT',
    acceptCritExp: input.acceptCritExp ?? true,
  };
  const jwe: JwePolicy = {
    keyManagementAlgorithms: input.allow?.keyManagement ?? defaults.keyManagement,
    contentEncryptionAlgorithms: input.allow?.contentEncryption ?? defaults.contentEncryption,
    expectedKid: input.expectedKid,
    maxLength: input.maxTokenLength,
  };
  assertAllowlist('JWS', jws.algorithms, JWS_ALGORITHMS);
  assertAllowlist('JWE key management', jwe.keyManagementAlgorithms, JWE_KEY_ALGORITHMS);
  assertAllowlist('JWE content encryption', jwe.contentEncryptionAlgorithms, JWE_CONTENT_ALGORITHMS);

  const replay = input.replay && {
    store: input.replay.store,
    namespace: input.replay.namespace,
    idsOf: input.replay.idsOf ?? defaultReplayIds,
    requireId: input.replay.requireId ?? true,
  };
  return Object.freeze({
    decryptionKey: input.decryptionKey,
    verificationKey: input.verificationKey,
    issuers,
    audience,
    bodyClaim: input.bodyClaim === undefined ? (isResponse ? 'response' : 'request') : input.bodyClaim,
    companyApiKey: input.companyApiKey ?? (isResponse ? undefined : issuers[0]),
    jwe,
    jws,
    clockToleranceSeconds: input.clockToleranceSeconds ?? PACO_CLOCK_TOLERANCE_SECONDS,
    requiredClaims: input.requiredClaims ?? ['iss', 'aud', 'iat', 'nbf', 'exp'],
    maxLifetimeSeconds: input.maxLifetimeSeconds,
    replay,
  });
}

export interface BuildPacoClaimsInput {
  /** "request" for merchant -> PACO, "response" for PACO -> merchant. */
  bodyClaim: string;
  body: unknown;
  issuer: string;
  audience: string;
  now: number;
  ttlSeconds: number;
  /** Name and value of the extra token claim (CompanyApiKey); omitted when the name is null. */
  companyApiKeyClaim?: string | null;
  companyApiKey?: string;
  jti?: string;
}

/** The claims set in PACO's order: {request, iss, aud, CompanyApiKey, iat, nbf, exp}. */
export function buildPacoClaims(input: BuildPacoClaimsInput): PacoClaims {
  if (!Number.isInteger(input.now) || !Number.isInteger(input.ttlSeconds) || input.ttlSeconds <= 0) {
    throw new Error('PACO claims need an integer time and a positive integer lifetime');
  }
  const claims: PacoClaims = { [input.bodyClaim]: input.body, iss: input.issuer, aud: input.audience };
  if (input.companyApiKeyClaim) claims[input.companyApiKeyClaim] = input.companyApiKey ?? input.issuer;
  if (input.jti !== undefined) claims.jti = input.jti;
  claims.iat = input.now;
  claims.nbf = input.now;
  claims.exp = input.now + input.ttlSeconds;
  return claims;
}

export interface SealRequestOptions {
  /** The merchant's PACO access token: goes to iss and CompanyApiKey. */
  token: string;
  audience?: string;
  ttlSeconds?: number;
  /** Set to null to leave the claim out, or rename it. Default "CompanyApiKey". */
  companyApiKeyClaim?: string | null;
  jti?: string;
  now?: number;
}

export interface SealResponseOptions {
  /** The merchant's token: goes to aud. */
  audience: string;
  issuer?: string;
  ttlSeconds?: number;
  jti?: string;
  now?: number;
}

export interface PacoOpened {
  claims: PacoClaims;
  /** claims[bodyClaim], or undefined when the context requires no body claim. */
  body: unknown;
  jweHeader: DecodedHeader;
  jwsHeader: DecodedHeader;
}

export interface PacoJoseServiceOptions {
  logger?: CryptoLogger;
  clock?: EpochClock;
}

/** Builds the one error every failed open() ends in; the reason only goes to the debug log. */
export function pacoRejectedError(): AppError {
  return new AppError('INVALID_SIGNATURE');
}

export class PacoJoseService {
  private readonly logger: CryptoLogger;
  private readonly clock: EpochClock;

  constructor(options: PacoJoseServiceOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
  }

  /** Seals a merchant request: {request, iss: token, aud: PacoAudience, CompanyApiKey: token, iat, nbf, exp: iat+300}. */
  sealRequest(request: unknown, context: PacoSealContext, options: SealRequestOptions): Promise<string> {
    const claims = buildPacoClaims({
      bodyClaim: 'request',
      body: request,
      issuer: options.token,
      audience: options.audience ?? PACO_AUDIENCE,
      now: options.now ?? this.clock(),
      ttlSeconds: options.ttlSeconds ?? PACO_REQUEST_TTL_SECONDS,
      companyApiKeyClaim: options.companyApiKeyClaim === undefined ? 'CompanyApiKey' : options.companyApiKeyClaim,
      companyApiKey: options.token,
      jti: options.jti,
    });
    return this.seal(claims, context);
  }

  /** Seals a PACO response or notification (the emulator's side): {response, iss: PacoIssuer, aud: merchant token, ...}. */
  sealResponse(response: unknown, context: PacoSealContext, options: SealResponseOptions): Promise<string> {
    const claims = buildPacoClaims({
      bodyClaim: 'response',
      body: response,
      issuer: options.issuer ?? PACO_ISSUER,
      audience: options.audience,
      now: options.now ?? this.clock(),
      ttlSeconds: options.ttlSeconds ?? PACO_RESPONSE_TTL_SECONDS,
      companyApiKeyClaim: null,
      jti: options.jti,
    });
    return this.seal(claims, context);
  }

  /** Signs `claims` (JWS compact) and encrypts the JWS (JWE compact). */
  async seal(claims: PacoClaims, context: PacoSealContext): Promise<string> {
    const jwsHeader: JwsHeader = { alg: context.signingAlgorithm, typ: 'JWT' };
    if (context.critExp) {
      if (typeof claims.exp !== 'number') throw new Error('crit exp needs an exp claim');
      jwsHeader.crit = ['exp'];
      jwsHeader.exp = claims.exp;
    }
    const jws = await signCompact(new TextEncoder().encode(JSON.stringify(claims)), context.signingKey, jwsHeader);
    return encryptCompact(new TextEncoder().encode(jws), context.encryptionKey, {
      alg: context.keyManagementAlgorithm,
      enc: context.contentEncryptionAlgorithm,
      ...(context.kid !== undefined ? { kid: context.kid } : {}),
      typ: 'JWT',
    });
  }

  /**
   * Decrypts and verifies a sealed message and checks its claims. Any failure, whatever the cause
   * (format, algorithm, key, tag, signature, claims, replay), is the same AppError INVALID_SIGNATURE;
   * the cause goes to the debug log without key material or message content. Only a failing
   * replay store is rethrown as it is: that is an outage, not a bad message.
   */
  async open(token: string, context: PacoOpenContext, options: { now?: number } = {}): Promise<PacoOpened> {
    try {
      const compact = unquote(token);
      const { plaintext, header: jweHeader } = await decryptCompact(compact, context.decryptionKey, context.jwe);
      const jws = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
      const { payload, header: jwsHeader } = await verifyCompact(jws, context.verificationKey, context.jws);
      const claims = parseClaims(payload);
      const now = options.now ?? this.clock();
      validatePacoClaims(claims, jwsHeader, context, now);
      if (context.replay) await this.checkReplay(claims, context.replay, context.clockToleranceSeconds);
      return { claims, body: context.bodyClaim === null ? undefined : claims[context.bodyClaim], jweHeader, jwsHeader };
    } catch (error) {
      if (error instanceof ReplayStoreFailure) throw error.cause;
      const reason =
        error instanceof JoseRejection
          ? error.reason
          : error instanceof TypeError
            ? 'JWE plaintext is not UTF-8'
            : `unexpected ${error instanceof Error ? error.name : 'error'}`;
      this.logger.debug(`PACO message rejected: ${reason}`);
      throw pacoRejectedError();
    }
  }

  private async checkReplay(claims: PacoClaims, replay: Required<PacoReplayOptions>, tolerance: number): Promise<void> {
    const ids = replay.idsOf(claims);
    if (ids.length === 0) {
      if (replay.requireId) throw new JoseRejection('no message id for replay detection');
      return;
    }
    // Remembered until the message could no longer pass the exp check anyway.
    const expiresAt = (claims.exp as number) + tolerance + 1;
    for (const id of ids) {
      let first: boolean;
      try {
        first = await replay.store.claim(`${replay.namespace}:${id}`, expiresAt);
      } catch (cause) {
        throw new ReplayStoreFailure(cause);
      }
      if (!first) throw new JoseRejection('replayed message id');
    }
  }
}

/** A failing store is an outage, not a bad message: it must not turn into a 401. */
class ReplayStoreFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('replay store failed');
  }
}

/** jti, request.apiRequest.requestMessageID and response.apiResponse.responseMessageId (any casing). */
export function defaultReplayIds(claims: PacoClaims): string[] {
  const ids: string[] = [];
  if (typeof claims.jti === 'string' && claims.jti) ids.push(`jti:${claims.jti}`);
  const requestId = pick(pick(claims.request, 'apiRequest'), 'requestMessageID');
  if (typeof requestId === 'string' && requestId) ids.push(`msg:${requestId}`);
  const responseId = pick(pick(claims.response, 'apiResponse'), 'responseMessageId');
  if (typeof responseId === 'string' && responseId) ids.push(`msg:${responseId}`);
  return ids;
}

/** Case-insensitive member lookup: PACO mixes PascalCase and camelCase. */
function pick(value: unknown, name: string): unknown {
  if (!isPlainObject(value)) return undefined;
  if (name in value) return value[name];
  const lower = name.toLowerCase();
  const key = Object.keys(value).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : value[key];
}

/** Claims checks with a clock tolerance; throws JoseRejection with a reason safe to log. */
export function validatePacoClaims(claims: PacoClaims, jwsHeader: DecodedHeader, context: PacoOpenContext, now: number): void {
  const tolerance = context.clockToleranceSeconds;
  for (const name of context.requiredClaims) {
    if (!(name in claims)) throw new JoseRejection(`missing "${name}" claim`);
  }
  const { exp, iat } = checkTimeClaims(claims, now, tolerance);
  if (context.maxLifetimeSeconds !== undefined) {
    if (exp === undefined || iat === undefined) throw new JoseRejection('lifetime cannot be checked without iat and exp');
    if (exp - iat > context.maxLifetimeSeconds) throw new JoseRejection('lifetime too long');
  }
  if (typeof claims.iss !== 'string' || !context.issuers.includes(claims.iss)) throw new JoseRejection('unexpected iss');
  const aud = claims.aud;
  const audOk = typeof aud === 'string' ? aud === context.audience : Array.isArray(aud) && aud.includes(context.audience);
  if (!audOk) throw new JoseRejection('unexpected aud');
  if (context.companyApiKey !== undefined && 'CompanyApiKey' in claims && claims.CompanyApiKey !== context.companyApiKey) {
    throw new JoseRejection('CompanyApiKey does not match the issuer');
  }
  if (context.bodyClaim !== null && !isPlainObject(claims[context.bodyClaim])) {
    throw new JoseRejection(`"${context.bodyClaim}" claim is not an object`);
  }
  if ('crit' in jwsHeader) {
    // crit: ["exp"] makes the header exp binding: it must agree with the claim and be in date.
    const headerExp = jwsHeader.exp as number;
    if (exp !== undefined && headerExp !== exp) throw new JoseRejection('exp header differs from exp claim');
    if (headerExp <= now - tolerance) throw new JoseRejection('expired (exp header)');
  }
}

/** exp / nbf / iat against `now` with a tolerance either way (RFC 7519 §4.1.4-4.1.6). */
export function checkTimeClaims(claims: PacoClaims, now: number, tolerance: number): { exp?: number; nbf?: number; iat?: number } {
  const exp = numericDate(claims, 'exp');
  const nbf = numericDate(claims, 'nbf');
  const iat = numericDate(claims, 'iat');
  if (exp !== undefined && exp <= now - tolerance) throw new JoseRejection('expired (exp)');
  if (nbf !== undefined && nbf > now + tolerance) throw new JoseRejection('not yet valid (nbf)');
  if (iat !== undefined && iat > now + tolerance) throw new JoseRejection('issued in the future (iat)');
  return { exp, nbf, iat };
}

function numericDate(claims: PacoClaims, name: string): number | undefined {
  if (!(name in claims)) return undefined;
  const value = claims[name];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new JoseRejection(`"${name}" is not a NumericDate`);
  return value;
}

/** Trims whitespace and one pair of surrounding quotes, which some PACO responses carry. */
function unquote(token: string): string {
  if (typeof token !== 'string') throw new JoseRejection('token is not a string');
  const trimmed = token.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}
