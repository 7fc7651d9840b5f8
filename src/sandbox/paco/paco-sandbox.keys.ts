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
 * The four RSA key pairs of the sandbox (B.4): PACO's signing and encryption pairs, and the sandbox
 * merchant's signing and decryption pairs. Generated once per process in onModuleInit (async, on the
 * libuv pool, all four at once: about 1-6 s on 2 cores, RSA-4096 prime search is random), never on
 * the request path. Gatehouse's PACO client reads the merchant's private keys and PACO's public keys
 * from here in sandbox mode; PACO's private keys never leave the emulator.
 */
@Injectable()
export class PacoSandboxKeys implements OnModuleInit {
  private readonly logger = new Logger(PacoSandboxKeys.name);
  private pairs?: { pacoSigning: PacoKeyPair; pacoEncryption: PacoKeyPair; merchantSigning: PacoKeyPair; merchantEncryption: PacoKeyPair };
  private loading?: Promise<void>;
  /** How long generation took (ms), for the docs and the logs. */
  generationMs?: number;

  // Started at boot but not awaited: four RSA-4096 pairs take a second or more, and a Gatehouse
  // that never uses PACO should not wait for them. Every PACO route awaits ready() first.
  onModuleInit(): void {
    void this.ready().catch((err: unknown) => this.logger.error({ err: (err as Error).message }, 'PACO sandbox key generation failed'));
  }

  /** Resolves once the keys exist (generates them on first call). */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      const started = performance.now();
      const [pacoSigning, pacoEncryption, merchantSigning, merchantEncryption] = await Promise.all(
        [0, 1, 2, 3].map(() => generate('rsa', { modulusLength: PACO_SANDBOX_KEY_BITS })),
      );
      this.pairs = { pacoSigning: pacoSigning!, pacoEncryption: pacoEncryption!, merchantSigning: merchantSigning!, merchantEncryption: merchantEncryption! };
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

  /** The kid PACO writes into response JWE headers: the merchant's encryption key id. */
  get merchantKeyId(): string {
    return PACO_SANDBOX_MERCHANT.merchantEncryptionKeyId;
  }

  // ---- what a merchant (Gatehouse's PACO client in sandbox mode) holds ----

  /** PACO's public signing key (verify responses and notifications). */
  get pacoSigningPublicKey(): KeyObject {
    return this.all.pacoSigning.publicKey;
  }

  /** PACO's public encryption key (encrypt requests to it, with kid `pacoKeyId`). */
  get pacoEncryptionPublicKey(): KeyObject {
    return this.all.pacoEncryption.publicKey;
  }

  /** The sandbox merchant's private signing key (sign requests). */
  get merchantSigningPrivateKey(): KeyObject {
    return this.all.merchantSigning.privateKey;
  }

  /** The sandbox merchant's private decryption key (decrypt responses and notifications). */
  get merchantDecryptionPrivateKey(): KeyObject {
    return this.all.merchantEncryption.privateKey;
  }

  /** PACO's public keys as the portal publishes them (never a private key). */
  publicKeys(): { kid: string; signing: PacoPublicKeyView; encryption: PacoPublicKeyView; bits: number } {
    const view = (key: KeyObject): PacoPublicKeyView => ({ pem: toPem(key), base64Der: toBareBase64Der(key) });
    return { kid: this.pacoKeyId, signing: view(this.pacoSigningPublicKey), encryption: view(this.pacoEncryptionPublicKey), bits: PACO_SANDBOX_KEY_BITS };
  }

  // ---- the emulator's own RsaKeys (PACO side) ----

  private rsa?: { pacoSign: RsaKey; pacoDecrypt: RsaKey; merchantVerify: RsaKey; merchantEncrypt: RsaKey };

  /** Loaded once: each RsaKey registers with the RSA worker pool, so they are not rebuilt per request. */
  emulatorKeys(): NonNullable<PacoSandboxKeys['rsa']> {
    const pairs = this.all;
    this.rsa ??= {
      pacoSign: loadRsaKey(toPem(pairs.pacoSigning.privateKey), 'sign', { name: 'PACO sandbox signing key' }),
      pacoDecrypt: loadRsaKey(toPem(pairs.pacoEncryption.privateKey), 'decrypt', { name: 'PACO sandbox encryption key' }),
      merchantVerify: loadRsaKey(toPem(pairs.merchantSigning.publicKey), 'verify', { name: 'sandbox merchant signing public key' }),
      merchantEncrypt: loadRsaKey(toPem(pairs.merchantEncryption.publicKey), 'encrypt', { name: 'sandbox merchant encryption public key' }),
    };
    return this.rsa;
  }
}
