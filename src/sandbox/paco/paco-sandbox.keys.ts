import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { loadRsaKey, toBareBase64Der, toPem, type RsaKey } from '../../crypto/key-loader.js';
import { PACO_SANDBOX_MERCHANT } from '../sandbox-accounts.js';

const generate = promisify(generateKeyPair);

/** PACO's key size (B.4: the portal's keys are RSA-4096). */
export const PACO_SANDBOX_KEY_BITS = 4096;

export interface PacoKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A public key as 2C2P's portal hands it out: PEM and the bare base64 DER body (B.4). */
export interface PacoPublicKeyView {
  pem: string;
  base64Der: string;
}

/**
 * PACO's own two RSA key pairs (B.4): signing (responses, notifications) and encryption (requests
 * are encrypted to it, kid `pacoKeyId`). Generated once per process, in the background from
 * onModuleInit (two RSA-4096 pairs: about a second on 2 cores; prime search is random), never on
 * the request path. The public halves and the kid are published (`GET __control/keys`); the private
 * halves never leave the emulator. Merchants bring their own keys (PacoSandboxMerchants).
 */
@Injectable()
export class PacoSandboxKeys implements OnModuleInit {
  private readonly logger = new Logger(PacoSandboxKeys.name);
  private pairs?: { signing: PacoKeyPair; encryption: PacoKeyPair };
  private loading?: Promise<void>;
  private rsa?: { pacoSign: RsaKey; pacoDecrypt: RsaKey };
  /** How long generation took (ms), for the docs and the logs. */
  generationMs?: number;

  // Started at boot but not awaited: a Gatehouse that never uses PACO should not wait for the keys.
  // Every PACO route awaits ready() first.
  onModuleInit(): void {
    void this.ready().catch((err: unknown) => this.logger.error({ err: (err as Error).message }, 'PACO sandbox key generation failed'));
  }

  /** Resolves once the keys exist (generates them on first call). */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      const started = performance.now();
      const [signing, encryption] = await Promise.all([0, 1].map(() => generate('rsa', { modulusLength: PACO_SANDBOX_KEY_BITS })));
      this.pairs = { signing: signing!, encryption: encryption! };
      this.generationMs = Math.round(performance.now() - started);
      this.logger.log(`PACO sandbox RSA-${PACO_SANDBOX_KEY_BITS} keys generated in ${this.generationMs} ms`);
    })();
    return this.loading;
  }

  private get all(): NonNullable<PacoSandboxKeys['pairs']> {
    if (!this.pairs) throw new Error('PACO sandbox keys are not generated yet (await PacoSandboxKeys.ready())');
    return this.pairs;
  }

  /** PACO's EncryptionKeyId: the JWE kid merchants write (32 hex). */
  get pacoKeyId(): string {
    return PACO_SANDBOX_MERCHANT.encryptionKeyId;
  }

  /** PACO's public signing key (merchants verify responses and notifications with it). */
  get pacoSigningPublicKey(): KeyObject {
    return this.all.signing.publicKey;
  }

  /** PACO's public encryption key (merchants encrypt requests to it, with kid `pacoKeyId`). */
  get pacoEncryptionPublicKey(): KeyObject {
    return this.all.encryption.publicKey;
  }

  /** PACO's public keys as the portal publishes them (never a private key). */
  publicKeys(): { kid: string; signing: PacoPublicKeyView; encryption: PacoPublicKeyView; bits: number } {
    const view = (key: KeyObject): PacoPublicKeyView => ({ pem: toPem(key), base64Der: toBareBase64Der(key) });
    return { kid: this.pacoKeyId, signing: view(this.pacoSigningPublicKey), encryption: view(this.pacoEncryptionPublicKey), bits: PACO_SANDBOX_KEY_BITS };
  }

  /** PACO's private keys as RsaKeys, loaded once (each registers with the RSA worker pool). */
  emulatorKeys(): NonNullable<PacoSandboxKeys['rsa']> {
    const pairs = this.all;
    this.rsa ??= {
      pacoSign: loadRsaKey(toPem(pairs.signing.privateKey), 'sign', { name: 'PACO sandbox signing key' }),
      pacoDecrypt: loadRsaKey(toPem(pairs.encryption.privateKey), 'decrypt', { name: 'PACO sandbox encryption key' }),
    };
    return this.rsa;
  }
}
