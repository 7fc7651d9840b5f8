import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { PAYMENT_STATUSES, type Payment, type PaymentKind, type PaymentStatus } from '../payment.entity.js';

export class MoneyDto {
  @ApiProperty({ example: 50000, description: 'Integer minor units (kobo for NGN).' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  value!: number;

  @ApiProperty({ example: 'NGN', description: 'ISO 4217 code.' })
  @IsString()
  @Matches(/^[A-Z]{3}$/)
  currency!: string;
}

export class NextActionView {
  @ApiProperty({ example: 'redirect', enum: ['redirect'] })
  type!: 'redirect';

  @ApiProperty({ example: 'https://pgw.example/payment/abc', description: "Where to send the payer's browser." })
  redirectUrl!: string;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String, description: 'When the page stops working, if the provider says.' })
  expiresAt?: string | null;
}

export class PaymentEventView {
  @ApiProperty({ enum: PAYMENT_STATUSES, nullable: true, type: String })
  from!: PaymentStatus | null;

  @ApiProperty({ enum: PAYMENT_STATUSES })
  to!: PaymentStatus;

  @ApiProperty({ nullable: true, type: String, example: 'callback' })
  cause!: string | null;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

class FailureView {
  @ApiProperty({ example: 'paga_1' })
  code!: string;

  @ApiProperty({ nullable: true, type: String })
  message!: string | null;
}

export class PaymentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'paga' })
  provider!: string;

  @ApiProperty({ enum: ['charge', 'transfer'] })
  kind!: PaymentKind;

  @ApiProperty({ example: 'order-1001' })
  reference!: string;

  @ApiProperty({ enum: PAYMENT_STATUSES })
  status!: PaymentStatus;

  @ApiProperty({ type: MoneyDto })
  amount!: MoneyDto;

  @ApiPropertyOptional({ type: MoneyDto, nullable: true })
  fee?: MoneyDto | null;

  @ApiProperty({ nullable: true, type: String, description: "The provider's reference (Paga's confirmation code or transaction id)." })
  providerReference!: string | null;

  @ApiPropertyOptional({ type: FailureView, description: 'Why the provider refused it (status failed).' })
  failure?: FailureView;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'While pending after a failed call: what went wrong.' })
  lastError?: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  consentId!: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  description?: string | null;

  @ApiPropertyOptional({ type: NextActionView, description: 'Set while the status is requires_action.' })
  nextAction?: NextActionView;

  @ApiPropertyOptional({ type: [PaymentEventView], description: 'Every status change, oldest first (on GET of one payment).' })
  history?: PaymentEventView[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static of(p: Payment, history?: { from: PaymentStatus | null; to: PaymentStatus; cause: string | null; at: Date }[]): PaymentView {
    const result = (p.providerResult ?? {}) as { feeMinor?: number | null; errorCode?: string; errorMessage?: string | null; nextAction?: { redirectUrl?: unknown } };
    const redirectUrl = result.nextAction?.redirectUrl;
    return {
      id: p.id,
      provider: p.provider,
      kind: p.kind,
      reference: p.reference,
      status: p.status,
      amount: { value: p.amountMinor, currency: p.currency },
      fee: typeof result.feeMinor === 'number' ? { value: result.feeMinor, currency: p.currency } : null,
      providerReference: p.providerReference,
      ...(p.status === 'failed' ? { failure: { code: `${p.provider}_${result.errorCode ?? 'unknown'}`, message: result.errorMessage ?? null } } : {}),
      ...(p.status === 'pending' && p.lastError ? { lastError: p.lastError } : {}),
      consentId: p.consentId,
      ...(p.description ? { description: p.description } : {}),
      ...(p.status === 'requires_action' && typeof redirectUrl === 'string' ? { nextAction: { type: 'redirect' as const, redirectUrl } } : {}),
      ...(history ? { history: history.map((h) => ({ from: h.from, to: h.to, cause: h.cause, at: new Date(h.at).toISOString() })) } : {}),
      createdAt: p.createdAt.toISOString(),
    };
  }
}
