import { PaymentView } from '../../payments/dto/payment.dto.js';
import type { Payment } from '../../payments/payment.entity.js';
import type { PayseraAllowanceView, PayseraTransactionView } from './dto/paysera.dto.js';
import type { PayseraAllowanceRow } from './paysera-allowance.entity.js';

/** The payment as every provider shows it (with nextAction while the payer must accept), plus Paysera's word. */
export function transactionView(payment: Payment): PayseraTransactionView {
  const result = (payment.providerResult ?? {}) as { payseraStatus?: string; walletId?: string | null };
  return {
    ...PaymentView.of(payment),
    paysera: { status: result.payseraStatus ?? null, walletId: result.walletId ?? null },
  };
}

export function allowanceView(row: PayseraAllowanceRow): PayseraAllowanceView {
  return {
    id: row.id,
    reference: row.reference,
    consentId: row.consentId,
    status: row.status,
    maxAmount: { value: row.maxAmountMinor, currency: row.currency },
    usedAmount: row.usedAmountMinor === null ? null : { value: row.usedAmountMinor, currency: row.currency },
    description: row.description,
    validUntil: row.validUntil ? row.validUntil.toISOString() : null,
    providerReference: row.payseraId,
    walletId: row.walletId,
    ...(row.lastError ? { lastError: row.lastError } : {}),
    createdAt: row.createdAt.toISOString(),
  };
}
