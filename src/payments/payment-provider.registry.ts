import { Injectable } from '@nestjs/common';
import type { Merchant } from '../merchants/merchant.entity.js';
import type { Payment } from './payment.entity.js';

/** A payment as the unified API asks for it; `options` are the provider's own fields. */
export interface UnifiedPaymentRequest {
  reference: string;
  amount: { value: number; currency: string };
  description?: string;
  consentId?: string;
  payer?: { msisdn?: string; email?: string; name?: string };
  options?: Record<string, unknown>;
}

/**
 * What a provider module offers the unified payments API. Each provider module registers one at
 * start-up (as with consents), so `payments/` never imports a provider's folder. Every method
 * writes the same `payments` rows as the provider's own routes.
 */
export interface PaymentProviderAdapter {
  readonly name: string;
  /** Whether `consentId` is required (the payer connected their account first). */
  readonly needsConsent: boolean;
  /** Creates the payment, or returns the recorded one for a repeated reference. */
  create(merchant: Merchant, request: UnifiedPaymentRequest): Promise<Payment>;
  /** Returns money that moved; `amountMinor` undefined means all of it. */
  refund?(merchant: Merchant, payment: Payment, amountMinor?: number): Promise<Payment>;
  /** Stops a payment before the money moves for good (a void, a revoked transaction). */
  cancel?(merchant: Merchant, payment: Payment): Promise<Payment>;
}

@Injectable()
export class PaymentProviderRegistry {
  private readonly adapters = new Map<string, PaymentProviderAdapter>();

  register(adapter: PaymentProviderAdapter): void {
    if (this.adapters.has(adapter.name)) throw new Error(`payment provider ${adapter.name} registered twice`);
    this.adapters.set(adapter.name, adapter);
  }

  find(name: string): PaymentProviderAdapter | undefined {
    return this.adapters.get(name);
  }

  names(): string[] {
    return [...this.adapters.keys()].sort();
  }
}
