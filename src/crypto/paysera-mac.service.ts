import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../common/errors/app-error.js';
import type { ErrorCode } from '../common/errors/error-codes.js';
import { silentLogger, systemClock, type CryptoLogger, type EpochClock } from './crypto-logger.js';
import {
  buildExt,
  buildNormalizedString,
  bodyHash,
  computeMac,
  extBodyHash,
  formatMacHeader,
  macRequestFromUrl,
  parseMacHeader,
  type MacRequestParts,
} from './paysera-mac.protocol.js';
import { InMemoryReplayStore, type ReplayStore } from './replay.store.js';

export const PAYSERA_MAC_WINDOW_SECONDS = 300;

export interface MacCredentials {
  /** client_id, or the OAuth access_token for user calls. */
  macId: string;
  /** mac_key / client secret, used as the UTF-8 bytes given (not base64-decoded). */
  macKey: string;
}

export interface MacSignRequest {
  method: string;
  url: string | URL;
  /** The exact bytes that will be sent; hash what goes on the wire. */
  body?: Uint8Array | string;
}

export interface MacSignOptions {
  /** Fixed values, for reproducing a vector or debugging by hand. */
  ts?: number;
  nonce?: string;
  /** Extra ext parameters after body_hash (rare). */
  extParams?: Record<string, string>;
}

export interface MacSignature {
  /** The Authorization header value. */
  authorization: string;
  ts: number;
  nonce: string;
  mac: string;
  ext: string;
}

export interface MacVerifyRequest extends MacRequestParts {
  authorization: string | undefined;
  /** Raw body bytes as received. */
  body?: Uint8Array | string;
}

export interface MacCredentialRecord {
  macKey: string;
  /** Unix seconds after which the credential (an access token) is expired. */
  expiresAt?: number;
}

export type MacCredentialLookup = (id: string) => Promise<MacCredentialRecord | undefined> | MacCredentialRecord | undefined;

export interface MacVerified {
  id: string;
  ts: number;
  nonce: string;
  ext: string;
  credential: MacCredentialRecord;
}

/**
 * A clock that can carry the offset to Paysera's server clock: on invalid_timestamp the client
 * reads GET /rest/v1/server and calls `syncTo` (as Paysera's Java SDK does).
 */
export class OffsetClock {
  private offsetSeconds = 0;

  constructor(private readonly base: EpochClock = systemClock) {}

  readonly now: EpochClock = () => this.base() + this.offsetSeconds;

  syncTo(serverTime: number): void {
    if (!Number.isInteger(serverTime)) throw new Error('server time must be whole Unix seconds');
    this.offsetSeconds = serverTime - this.base();
  }

  get offset(): number {
    return this.offsetSeconds;
  }
}

export interface PayseraMacServiceOptions {
  clock?: EpochClock;
  replayStore?: ReplayStore;
  windowSeconds?: number;
  logger?: CryptoLogger;
  /** Nonce source, for tests; defaults to 24 CSPRNG bytes in base64url (32 characters). */
  nonce?: () => string;
}

/** Paysera's error for a failed check: what the emulator puts in {error, error_description}. */
export interface PayseraAuthError {
  status: number;
  body: { error: string; error_description: string };
}

const PAYSERA_ERROR_BY_CODE: Partial<Record<ErrorCode, string>> = {
  INVALID_TIMESTAMP: 'invalid_timestamp',
  CREDENTIAL_EXPIRED: 'invalid_grant',
};

/** Maps an AppError from verify() to Paysera's error body (the detail is Paysera's description). */
export function toPayseraError(error: AppError): PayseraAuthError {
  return {
    status: error.status,
    body: { error: PAYSERA_ERROR_BY_CODE[error.code] ?? 'unauthorized', error_description: error.detail ?? error.message },
  };
}

export const PAYSERA_MAC_MESSAGES = {
  malformed: 'Missing or malformed MAC authorization header',
  unknownId: 'Invalid MAC credentials',
  expired: 'Token has expired',
  future: 'Timestamp is in future',
  lifetime: 'Timestamp lifetime exceeded',
  bodyHash: 'Body hash does not match',
  badMac: 'Invalid MAC signature',
  replay: 'Nonce already used',
} as const;

// 24 random bytes per nonce, drawn from a pool refilled 4 KB at a time: one call into the CSPRNG per
// ~170 signatures instead of one per signature (signing is on the hot path of every Paysera call).
const NONCE_BYTES = 24;
let noncePool = Buffer.alloc(0);
let noncePoolOffset = 0;
function pooledNonce(): string {
  if (noncePoolOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(4096);
    noncePoolOffset = 0;
  }
  const nonce = noncePool.toString('base64url', noncePoolOffset, noncePoolOffset + NONCE_BYTES);
  noncePoolOffset += NONCE_BYTES;
  return nonce;
}

export class PayseraMacService {
  private readonly clock: EpochClock;
  private readonly replayStore: ReplayStore;
  private readonly windowSeconds: number;
  private readonly logger: CryptoLogger;
  private readonly newNonce: () => string;

  constructor(options: PayseraMacServiceOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.replayStore = options.replayStore ?? new InMemoryReplayStore({ clock: this.clock });
    this.windowSeconds = options.windowSeconds ?? PAYSERA_MAC_WINDOW_SECONDS;
    this.logger = options.logger ?? silentLogger;
    this.newNonce = options.nonce ?? pooledNonce;
  }

  /** Builds the Authorization header for one request. */
  sign(request: MacSignRequest, credentials: MacCredentials, options: MacSignOptions = {}): MacSignature {
    const parts = macRequestFromUrl(request.method, request.url);
    const ts = options.ts ?? this.clock();
    const nonce = options.nonce ?? this.newNonce();
    if (!Number.isInteger(ts) || ts < 0) throw new Error('ts must be whole Unix seconds');
    // Our own nonces are base64url by construction; only a given one needs checking.
    if (options.nonce !== undefined && (nonce === '' || /["\\]/.test(nonce) || /[^\x20-\x7e]/.test(nonce))) throw new Error('nonce must be printable ASCII without " or \\');
    const ext = buildExt(request.body, options.extParams);
    const mac = computeMac(credentials.macKey, buildNormalizedString(ts, nonce, parts, ext));
    return {
      authorization: formatMacHeader({ id: credentials.macId, ts: String(ts), nonce, mac, ext }),
      ts,
      nonce,
      mac,
      ext,
    };
  }

  /**
   * The emulator's check of an incoming request, in the order Paysera's clients expect: header,
   * credential, timestamp window, body hash, MAC (constant time), then the nonce is recorded, so
   * only authentic requests consume nonces. Throws AppError whose detail is Paysera's description;
   * `toPayseraError` gives the response body.
   */
  async verify(request: MacVerifyRequest, lookup: MacCredentialLookup): Promise<MacVerified> {
    const fields = parseMacHeader(request.authorization);
    if (!fields) return this.fail('UNAUTHENTICATED', PAYSERA_MAC_MESSAGES.malformed);

    const credential = await lookup(fields.id);
    if (!credential) return this.fail('INVALID_SIGNATURE', PAYSERA_MAC_MESSAGES.unknownId);
    const now = this.clock();
    if (credential.expiresAt !== undefined && credential.expiresAt <= now) {
      return this.fail('CREDENTIAL_EXPIRED', PAYSERA_MAC_MESSAGES.expired);
    }

    const ts = Number(fields.ts);
    if (ts > now + this.windowSeconds) return this.fail('INVALID_TIMESTAMP', PAYSERA_MAC_MESSAGES.future);
    if (ts < now - this.windowSeconds) return this.fail('INVALID_TIMESTAMP', PAYSERA_MAC_MESSAGES.lifetime);

    const body = request.body ?? '';
    const claimedHash = extBodyHash(fields.ext);
    if (body.length > 0 || claimedHash !== undefined) {
      if (claimedHash !== bodyHash(body)) return this.fail('INVALID_SIGNATURE', PAYSERA_MAC_MESSAGES.bodyHash);
    }

    // The MAC covers ext exactly as received.
    const expected = computeMac(credential.macKey, buildNormalizedString(fields.ts, fields.nonce, request, fields.ext));
    if (!constantTimeEqual(expected, fields.mac)) return this.fail('INVALID_SIGNATURE', PAYSERA_MAC_MESSAGES.badMac);

    const first = await this.replayStore.claim(
      `paysera-mac:${fields.id}:${fields.ts}:${fields.nonce}`,
      Math.max(ts, now) + this.windowSeconds + 1,
    );
    if (!first) return this.fail('REPLAY_DETECTED', PAYSERA_MAC_MESSAGES.replay);

    return { id: fields.id, ts, nonce: fields.nonce, ext: fields.ext, credential };
  }

  private fail(code: ErrorCode, description: string): never {
    this.logger.debug(`Paysera MAC rejected: ${description}`);
    throw new AppError(code, description);
  }
}

function constantTimeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  // Compare equal-length buffers always, so the time does not depend on where they differ.
  return timingSafeEqual(a, b.length === a.length ? b : a) && b.length === a.length;
}
