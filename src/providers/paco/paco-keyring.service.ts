import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import { loadRsaKey, toPem } from '../../crypto/key-loader.js';
import { createPacoOpenContext, createPacoSealContext, type PacoOpenContext, type PacoSealContext } from '../../crypto/paco-jose.service.js';
import { PACO_CONFIG, type PacoConfig, type PacoKeys } from './paco.config.js';

const generate = promisify(generateKeyPair);

/** Gatehouse's sandbox keys are RSA-4096, like the keys 2C2P's portal works with (B.4). */
const SANDBOX_KEY_BITS = 4096;

export interface PacoJoseContexts {
  /** Our signing key and PACO's encryption key + kid: requests. */
  seal: PacoSealContext;
  /** Our decryption key, PACO's signing key, iss PacoIssuer, aud our token: answers and notifications. */
  open: PacoOpenContext;
}

/**
 * The four PACO keys (B.4) as JOSE contexts. With configured keys it just wraps them. In sandbox
 * mode without keys it provisions, the way a merchant is onboarded at 2C2P: it generates
 * Gatehouse's own signing and encryption key pairs (once per process), fetches PACO's public keys
 * and key id from the emulator, and registers its token, office and public keys there
 * (`POST {PACO_BASE_URL}/__control/merchants`), before the first PACO call and in the background
 * at start. The private keys never leave this process.
 */
@Injectable()
export class PacoKeyring implements OnApplicationBootstrap {
  private readonly logger = new Logger(PacoKeyring.name);
  private ownKeys?: Promise<{ signing: KeyObject; encryption: { privateKey: KeyObject; publicKey: KeyObject }; signingPublic: KeyObject }>;
  private provisioned?: Promise<PacoJoseContexts>;

  constructor(@Inject(PACO_CONFIG) private readonly config: PacoConfig) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled || !this.config.provision) return;
    // Key generation starts now; registration once the server (which may serve the emulator) listens.
    void this.generated().catch(() => undefined);
    setTimeout(() => void this.contexts().catch((err: unknown) => this.logger.warn({ err: (err as Error).message, baseUrl: this.config.baseUrl }, 'PACO sandbox provisioning failed; it is retried on first use')), 500).unref();
  }

  /** The JOSE contexts; in sandbox provisioning mode, waits for (or retries) the registration. */
  contexts(): Promise<PacoJoseContexts> {
    if (this.config.keys) {
      this.provisioned ??= Promise.resolve(this.fromKeys(this.config.keys));
      return this.provisioned;
    }
    if (!this.config.provision) return Promise.reject(new AppError('SERVICE_UNAVAILABLE', 'PACO keys are not configured.'));
    this.provisioned ??= this.provision().catch((err: unknown) => {
      this.provisioned = undefined; // the next call tries again
      throw err;
    });
    return this.provisioned;
  }

  /**
   * PACO refused our credentials (an emulator restarted and forgot us, or rotated its keys): in
   * provisioning mode, register again. Returns whether a new attempt makes sense.
   */
  async recover(): Promise<boolean> {
    if (!this.config.provision) return false;
    this.provisioned = undefined;
    await this.contexts();
    return true;
  }

  private fromKeys(keys: PacoKeys): PacoJoseContexts {
    return {
      seal: createPacoSealContext({ signingKey: keys.merchantSigning, encryptionKey: keys.pacoEncryption, kid: keys.pacoKeyId, critExp: this.config.critExp }),
      open: createPacoOpenContext({ direction: 'response', decryptionKey: keys.merchantDecryption, verificationKey: keys.pacoSigning, audience: this.config.token }),
    };
  }

  private generated(): NonNullable<PacoKeyring['ownKeys']> {
    this.ownKeys ??= (async () => {
      const started = performance.now();
      const [signing, encryption] = await Promise.all([0, 1].map(() => generate('rsa', { modulusLength: SANDBOX_KEY_BITS })));
      this.logger.log(`PACO sandbox merchant keys (RSA-${SANDBOX_KEY_BITS}) generated in ${Math.round(performance.now() - started)} ms`);
      return { signing: signing!.privateKey, signingPublic: signing!.publicKey, encryption: encryption! };
    })();
    return this.ownKeys;
  }

  private async provision(): Promise<PacoJoseContexts> {
    const own = await this.generated();
    const control = `${this.config.baseUrl}/__control`;
    const published = await this.controlCall<{ kid?: unknown; signing?: { pem?: unknown }; encryption?: { pem?: unknown } }>(`${control}/keys`, { method: 'GET' });
    if (typeof published.kid !== 'string' || typeof published.signing?.pem !== 'string' || typeof published.encryption?.pem !== 'string') {
      throw new AppError('PROVIDER_ERROR', `The PACO emulator at ${this.config.baseUrl} published no keys.`);
    }
    const pacoSigning = loadRsaKey(published.signing.pem, 'verify', { name: "the emulator's PACO signing key" });
    const pacoEncryption = loadRsaKey(published.encryption.pem, 'encrypt', { name: "the emulator's PACO encryption key" });
    await this.controlCall(`${control}/merchants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: this.config.token,
        officeId: this.config.officeId,
        name: 'Gatehouse',
        signingPublicKey: toPem(own.signingPublic),
        encryptionPublicKey: toPem(own.encryption.publicKey),
        ...(this.config.basic ? { basic: this.config.basic } : {}),
        plainJson: !this.config.jose,
      }),
    });
    const keys: PacoKeys = {
      merchantSigning: loadRsaKey(toPem(own.signing), 'sign', { name: 'Gatehouse PACO sandbox signing key' }),
      merchantDecryption: loadRsaKey(toPem(own.encryption.privateKey), 'decrypt', { name: 'Gatehouse PACO sandbox decryption key' }),
      pacoSigning,
      pacoEncryption,
      pacoKeyId: published.kid,
    };
    this.logger.log({ baseUrl: this.config.baseUrl, officeId: this.config.officeId, signingKey: keys.merchantSigning.fingerprint, encryptionKey: keys.merchantDecryption.fingerprint }, 'PACO sandbox merchant registered with the emulator');
    return this.fromKeys(keys);
  }

  private async controlCall<T>(url: string, init: RequestInit): Promise<T> {
    let res: Response;
    try {
      // Not bound by PACO_TIMEOUT_MS: onboarding is rare and may wait for the emulator's key generation.
      res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(Math.max(this.config.timeoutMs, 30_000)) });
    } catch (err) {
      throw new AppError('PROVIDER_ERROR', `The PACO emulator at ${this.config.baseUrl} could not be reached for provisioning.`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) throw new AppError('PROVIDER_ERROR', `The PACO emulator refused provisioning (${res.status}); is PACO_BASE_URL a Gatehouse sandbox emulator?`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new AppError('PROVIDER_ERROR', 'The PACO emulator answered provisioning with something that is not JSON.');
    }
  }
}
