import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import { loadRsaKey, toPem, type RsaKey } from '../../crypto/key-loader.js';
import { createPacoSealContext, type PacoSealContext } from '../../crypto/paco-jose.service.js';

/**
 * A merchant as PACO knows it after onboarding (B.4): its access token, its office, the public
 * halves of its signing and encryption keys, the kid PACO writes into response JWEs, optional Basic
 * credentials, and whether it may send plain JSON (non-PROD with an IP whitelist, B.2).
 */
export interface PacoSandboxMerchant {
  readonly token: string;
  readonly officeId: string;
  readonly name: string;
  readonly basic?: { readonly username: string; readonly password: string };
  /** The merchant's signing public key: verifies its requests. */
  readonly verifyKey: RsaKey;
  /** The merchant's encryption public key: responses and notifications are encrypted to it. */
  readonly encryptKey: RsaKey;
  /** The kid of the merchant's encryption key, written into response JWE headers (PART E #13). */
  readonly keyId: string;
  /** Plain-JSON requests and answers allowed instead of JOSE (never for a merchant unless asked). */
  readonly plainJson: boolean;
  readonly registeredAt: number;
  /** What the emulator seals this merchant's answers with. */
  sealContext(signingKey: RsaKey): PacoSealContext;
}

export interface RegisterMerchantInput {
  token: string;
  officeId: string;
  name?: string;
  signingPublicKey: string;
  encryptionPublicKey: string;
  encryptionKeyId?: string;
  basic?: { username: string; password: string };
  plainJson?: boolean;
}

/** What the control API shows of a merchant: never its token, Basic password or a key body. */
export interface PacoSandboxMerchantView {
  tokenLast4: string;
  officeId: string;
  name: string;
  encryptionKeyId: string;
  signingKeyFingerprint: string;
  encryptionKeyFingerprint: string;
  basic: boolean;
  plainJson: boolean;
  registeredAt: string;
}

/**
 * The merchants registered with the emulator, by token. Gatehouse in sandbox mode registers itself
 * (its token, office and public keys) through `POST __control/merchants` before its first PACO call;
 * the control API can register more (a second Gatehouse, a test harness). Registrations survive
 * `reset`, like PACO's keys: they are onboarding, not state. Re-registering a token replaces its keys.
 */
@Injectable()
export class PacoSandboxMerchants {
  private readonly merchants = new Map<string, PacoSandboxMerchant>();

  register(input: RegisterMerchantInput, now: number): { merchant: PacoSandboxMerchant; replaced: boolean } {
    const owner = [...this.merchants.values()].find((m) => m.officeId === input.officeId && m.token !== input.token);
    if (owner) throw new AppError('CONFLICT', `Office ${input.officeId} belongs to another merchant.`);
    const verifyKey = publicKey(input.signingPublicKey, 'verify', 'signingPublicKey');
    const encryptKey = publicKey(input.encryptionPublicKey, 'encrypt', 'encryptionPublicKey');
    if (verifyKey.fingerprint === encryptKey.fingerprint) {
      throw invalid('encryptionPublicKey', 'must be a different key than signingPublicKey (one key, one use)');
    }
    const keyId = input.encryptionKeyId ?? derivedKeyId(encryptKey);
    const contexts = new Map<number, PacoSealContext>();
    const merchant: PacoSandboxMerchant = {
      token: input.token,
      officeId: input.officeId,
      name: input.name ?? input.officeId,
      basic: input.basic ? { ...input.basic } : undefined,
      verifyKey,
      encryptKey,
      keyId,
      plainJson: input.plainJson ?? false,
      registeredAt: now,
      sealContext(signingKey: RsaKey): PacoSealContext {
        let context = contexts.get(signingKey.poolKeyId);
        if (!context) {
          context = createPacoSealContext({ signingKey, encryptionKey: encryptKey, kid: keyId });
          contexts.set(signingKey.poolKeyId, context);
        }
        return context;
      },
    };
    const replaced = this.merchants.has(input.token);
    this.merchants.set(input.token, merchant);
    return { merchant, replaced };
  }

  /** The merchant a token belongs to (compared in constant time, as a real gateway would). */
  byToken(token: string): PacoSandboxMerchant | undefined {
    const given = Buffer.from(token);
    let found: PacoSandboxMerchant | undefined;
    for (const merchant of this.merchants.values()) {
      const known = Buffer.from(merchant.token);
      if (known.length === given.length && timingSafeEqual(known, given)) found = merchant;
    }
    return found;
  }

  list(): PacoSandboxMerchantView[] {
    return [...this.merchants.values()].map(view);
  }
}

export function view(m: PacoSandboxMerchant): PacoSandboxMerchantView {
  return {
    tokenLast4: m.token.slice(-4),
    officeId: m.officeId,
    name: m.name,
    encryptionKeyId: m.keyId,
    signingKeyFingerprint: m.verifyKey.fingerprint,
    encryptionKeyFingerprint: m.encryptKey.fingerprint,
    basic: m.basic !== undefined,
    plainJson: m.plainJson,
    registeredAt: new Date(m.registeredAt).toISOString(),
  };
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} ${message}.`, { errors: [{ field, message }] });
}

/** A public key (PEM or the bare base64 DER 2C2P uses), RSA of at least 2048 bits; never a private key. */
function publicKey(material: string, use: 'verify' | 'encrypt', field: string): RsaKey {
  try {
    const key = loadRsaKey(material, use, { name: field });
    // Re-imported from its SPKI so that nothing of the caller's encoding is kept.
    return loadRsaKey(toPem(key.keyObject), use, { name: field });
  } catch (error) {
    const detail = error instanceof AppError && error.detail ? `${error.detail}.` : `${field} is not an RSA key.`;
    throw new AppError('VALIDATION_FAILED', detail, { errors: [{ field, message: 'must be an RSA public key (PEM or bare base64 DER) of at least 2048 bits' }] });
  }
}

/** 32 hex characters, like the key ids 2C2P issues (B.3), derived from the key so it is stable. */
function derivedKeyId(key: RsaKey): string {
  return createHash('sha256').update(key.keyObject.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 32);
}
