import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../common/errors/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { silentLogger, type CryptoLogger } from './crypto-logger.js';
import { loadOrCreateSandboxKeyFile, parseTokenEncryptionKeys, TokenKeyConfigError, type TokenKeyRing } from './token-key-ring.js';

/** The row a secret belongs to; bound into the ciphertext as additional data. */
export interface TokenAad {
  merchantId: string;
  consentId: string;
  /** Column name, e.g. "access_token" / "refresh_token". */
  column: string;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SANDBOX_KEY_FILE = 'token-encryption.key';

/**
 * AES-256-GCM for provider tokens at rest. The ciphertext is `v1:<kid>:<base64url(iv|ct|tag)>`;
 * the additional data binds version, key id and the row identity, so a ciphertext copied to
 * another merchant, consent or column fails to decrypt. Old key ids keep decrypting after rotation.
 */
export class TokenCipher {
  constructor(private readonly ring: TokenKeyRing) {
    if (!ring.keys.has(ring.activeKid)) throw new TokenKeyConfigError('the active key id has no key');
    for (const key of ring.keys.values()) if (key.length !== 32) throw new TokenKeyConfigError('every key must be 32 bytes');
  }

  /**
   * From configuration: TOKEN_ENCRYPTION_KEYS if set; in sandbox mode without it, a key generated
   * once at <dataDir>/token-encryption.key (with a warning); in production, a boot error.
   */
  static fromConfig(config: Pick<AppConfig, 'isSandbox' | 'dataDir' | 'tokenEncryptionKeys'>, logger: CryptoLogger = silentLogger): TokenCipher {
    if (config.tokenEncryptionKeys) return new TokenCipher(parseTokenEncryptionKeys(config.tokenEncryptionKeys));
    if (!config.isSandbox) throw new TokenKeyConfigError('is required in production mode');
    const path = join(config.dataDir, SANDBOX_KEY_FILE);
    const { ring, created } = loadOrCreateSandboxKeyFile(path);
    logger.warn(
      `TOKEN_ENCRYPTION_KEYS is not set: ${created ? 'generated' : 'using'} the sandbox key in ${path}. ` +
        'Set TOKEN_ENCRYPTION_KEYS outside the sandbox.',
    );
    return new TokenCipher(ring);
  }

  get activeKid(): string {
    return this.ring.activeKid;
  }

  encrypt(plaintext: string, aad: TokenAad): string {
    const kid = this.ring.activeKid;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.ring.keys.get(kid)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(kid, aad));
    const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}:${kid}:${body.toString('base64url')}`;
  }

  /** Throws AppError DECRYPTION_FAILED (one error for every cause) when the value does not open. */
  decrypt(ciphertext: string, aad: TokenAad): string {
    const parsed = parse(ciphertext);
    const key = parsed && this.ring.keys.get(parsed.kid);
    if (!parsed || !key) throw new AppError('DECRYPTION_FAILED');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, parsed.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(parsed.kid, aad));
      decipher.setAuthTag(parsed.tag);
      return Buffer.concat([decipher.update(parsed.data), decipher.final()]).toString('utf8');
    } catch {
      throw new AppError('DECRYPTION_FAILED');
    }
  }

  /** True when the value was encrypted under a key other than the active one. */
  needsRotation(ciphertext: string): boolean {
    return parse(ciphertext)?.kid !== this.ring.activeKid;
  }

  /** Re-encrypts under the active key (for a rotation job). */
  rotate(ciphertext: string, aad: TokenAad): string {
    return this.needsRotation(ciphertext) ? this.encrypt(this.decrypt(ciphertext, aad), aad) : ciphertext;
  }
}

/** Unambiguous encoding (a JSON array) so no two identities share additional data. */
function additionalData(kid: string, aad: TokenAad): Buffer {
  return Buffer.from(JSON.stringify(['gatehouse-token', VERSION, kid, aad.merchantId, aad.consentId, aad.column]), 'utf8');
}

function parse(ciphertext: string): { kid: string; iv: Buffer; data: Buffer; tag: Buffer } | undefined {
  if (typeof ciphertext !== 'string') return undefined;
  const parts = ciphertext.split(':');
  if (parts.length !== 3 || parts[0] !== VERSION || !/^[A-Za-z0-9_-]+$/.test(parts[2])) return undefined;
  const body = Buffer.from(parts[2], 'base64url');
  if (body.length < IV_BYTES + TAG_BYTES) return undefined;
  return {
    kid: parts[1],
    iv: body.subarray(0, IV_BYTES),
    data: body.subarray(IV_BYTES, body.length - TAG_BYTES),
    tag: body.subarray(body.length - TAG_BYTES),
  };
}
