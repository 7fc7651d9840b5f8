import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createSign, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { SandboxDeliveries } from '../sandbox-deliveries.js';
import { PAYSERA_CALLBACK_KEY_BITS, PAYSERA_CALLBACK_TIMEOUT_MS } from './paysera-sandbox.constants.js';
import { PayseraSandboxStore } from './paysera-sandbox.store.js';

const generateRsa = promisify(generateKeyPair);

export interface PayseraEvent {
  object: 'transaction' | 'allowance';
  type: string;
  data: unknown;
}

/**
 * Paysera's callbacks (A.9): form fields `event` (the raw JSON) and `sign` (base64 RSA-SHA256,
 * PKCS#1 v1.5, over the raw event string), verifiable with the key served at /publickey. The key pair
 * is made once per process, at module init. One attempt per callback; the control API can drop,
 * delay or duplicate them.
 */
@Injectable()
export class PayseraSandboxCallbacks implements OnModuleInit, OnModuleDestroy {
  private privateKey?: KeyObject;
  private publicPem?: string;
  private readonly deliveries = new SandboxDeliveries(() => this.store.now());

  constructor(private readonly store: PayseraSandboxStore) {}

  async onModuleInit(): Promise<void> {
    const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: PAYSERA_CALLBACK_KEY_BITS });
    this.privateKey = privateKey;
    this.publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  onModuleDestroy(): void {
    this.abandon();
  }

  /** The PEM public key (SubjectPublicKeyInfo), as GET /publickey serves it. */
  get publicKey(): string {
    if (!this.publicPem) throw new Error('the callback key pair is not ready');
    return this.publicPem;
  }

  sign(event: string): string {
    if (!this.privateKey) throw new Error('the callback key pair is not ready');
    return createSign('sha256').update(event, 'utf8').sign(this.privateKey).toString('base64');
  }

  /** Stops pending delayed callbacks and those in flight (reset: they must not reach the next test). */
  abandon(): void {
    this.deliveries.abandon();
  }

  /** Fire and forget: the wire answer never waits for the receiver. */
  emit(url: string | false, event: PayseraEvent, id: string): void {
    if (url === false) return;
    const raw = JSON.stringify(event);
    const form = new URLSearchParams({ event: raw, sign: this.sign(raw) }).toString();
    const { mode, delayMs } = this.store.callbackMode;
    const base = { url, object: event.object, type: event.type, id };
    if (mode === 'drop') {
      this.store.recordCallback({ ...base, at: new Date(this.store.now()).toISOString(), outcome: 'dropped', attempt: 1 });
      return;
    }
    const attempts = mode === 'duplicate' ? 2 : 1;
    const start = (attempt: number) => void this.deliver(url, form, base, attempt);
    if (mode === 'delay' && delayMs > 0) {
      this.deliveries.later(delayMs, () => {
        for (let i = 1; i <= attempts; i++) start(i);
      });
      return;
    }
    for (let i = 1; i <= attempts; i++) start(i);
  }

  private async deliver(url: string, form: string, base: { url: string; object: string; type: string; id: string }, attempt: number): Promise<void> {
    const sent = await this.deliveries.attempt({ url, method: 'POST', contentType: 'application/x-www-form-urlencoded', body: form, timeoutMs: PAYSERA_CALLBACK_TIMEOUT_MS });
    if (!sent) return; // abandoned by reset
    this.store.recordCallback({ ...base, at: sent.at, outcome: sent.error ? 'failed' : 'delivered', ...(sent.status === null ? {} : { status: sent.status }), attempt });
  }
}
