import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { systemClock, type CryptoLogger } from '../../crypto/crypto-logger.js';
import { createPacoOpenContext, PacoJoseService, type PacoOpened, type PacoOpenContext } from '../../crypto/paco-jose.service.js';
import { PACO_CLOCK_SKEW_SECONDS, type PacoCodeName } from './paco-sandbox.constants.js';
import { PacoSandboxKeys } from './paco-sandbox.keys.js';
import type { PacoSandboxMerchant } from './paco-sandbox.merchants.js';
import { PacoSandboxStore } from './paco-sandbox.store.js';

/**
 * PACO's side of the JOSE envelope, all through the crypto module's PacoJoseService (nothing
 * re-implemented). PacoJoseService.open() deliberately turns every failure into one error and only
 * logs the reason; the emulator must answer PACO-like ("JWT expired" vs "Invalid JWE"), so it runs its
 * own instance whose logger hands the reason of the current call back through AsyncLocalStorage.
 */
@Injectable()
export class PacoSandboxJose {
  private readonly reasons = new AsyncLocalStorage<{ reason?: string }>();
  private readonly service: PacoJoseService;

  constructor(
    private readonly keys: PacoSandboxKeys,
    private readonly store: PacoSandboxStore,
  ) {
    const nest = new Logger('PacoSandboxJose');
    const logger: CryptoLogger = {
      debug: (message) => {
        const slot = this.reasons.getStore();
        if (slot) slot.reason = message.replace(/^PACO message rejected: /, '');
        nest.debug(message);
      },
      warn: (message) => nest.warn(message),
    };
    // JWT times (iat, nbf, exp) follow the wall clock, like both real parties' clocks: the control
    // API's time/advance moves business time (pending timeouts, page expiry) only, never this.
    this.service = new PacoJoseService({ logger, clock: systemClock });
  }

  /** Opens a merchant request (B.7 step 2): PACO's decryption key, the merchant's verification key, its token as iss. */
  async openRequest(token: string, merchant: PacoSandboxMerchant): Promise<{ ok: true; opened: PacoOpened } | { ok: false; error: PacoCodeName; reason: string }> {
    const slot: { reason?: string } = {};
    return this.reasons.run(slot, async () => {
      try {
        const opened = await this.service.open(token, this.openContext(merchant));
        return { ok: true as const, opened };
      } catch (error) {
        // A failing replay store would be rethrown as is; the in-memory one never fails.
        const reason = slot.reason ?? (error instanceof Error ? error.message : 'rejected');
        return { ok: false as const, error: classify(reason), reason };
      }
    });
  }

  /** Seals a response or notification: PS256 by PACO's signing key, RSA-OAEP/A128CBC-HS256 to the merchant, kid = merchant's (B.7 step 4). */
  sealResponse(response: unknown, merchant: PacoSandboxMerchant): Promise<string> {
    const context = merchant.sealContext(this.keys.emulatorKeys().pacoSign);
    return this.service.sealResponse(response, context, { audience: merchant.token });
  }

  /** Built per call: the replay store is replaced on reset, and merchants may re-register their keys. */
  private openContext(merchant: PacoSandboxMerchant): PacoOpenContext {
    return createPacoOpenContext({
      direction: 'request',
      decryptionKey: this.keys.emulatorKeys().pacoDecrypt,
      verificationKey: merchant.verifyKey,
      issuer: merchant.token,
      expectedKid: this.keys.pacoKeyId,
      clockToleranceSeconds: PACO_CLOCK_SKEW_SECONDS,
      replay: { store: this.store.replay, namespace: `paco:req:${merchant.officeId}` },
    });
  }
}

/** Maps PacoJoseService's rejection reason to the emulator's plain-JSON error. */
export function classify(reason: string): PacoCodeName {
  if (/replayed|no message id/.test(reason)) return 'DUPLICATE_MESSAGE';
  if (/expired/.test(reason)) return 'JWT_EXPIRED';
  if (/unexpected (iss|aud)|CompanyApiKey|not yet valid|in the future|missing "|NumericDate|claim is not an object|lifetime|exp header differs/.test(reason)) return 'INVALID_CLAIMS';
  if (/^JWS|payload/.test(reason)) return 'INVALID_JWS';
  return 'INVALID_JWE';
}
