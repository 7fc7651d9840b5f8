import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MoneyDto, PaymentView } from '../../../payments/dto/payment.dto.js';
import { PAYSERA_ALLOWANCE_STATUSES, type PayseraAllowanceStatus } from '../paysera.mapper.js';

const REFERENCE = /^[A-Za-z0-9._-]{1,64}$/;
const REFERENCE_MESSAGE = 'must be 1-64 letters, digits, dot, underscore or hyphen';
// Paysera shows descriptions to the payer; control characters have no place there.
const PRINTABLE = /^[^\x00-\x1f\x7f]+$/;

export class PayseraTransactionDto {
  @ApiProperty({ example: 'order-1001', description: 'Your unique reference; it is also the idempotency key (same reference + same request = the same payment).' })
  @Matches(REFERENCE, { message: REFERENCE_MESSAGE })
  reference!: string;

  @ApiProperty({ type: MoneyDto, description: 'Integer cents; a currency of PAYSERA_CURRENCIES (EUR by default).' })
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  @ApiProperty({ example: 'Order 1001', description: 'What the payer sees on the confirmation page.' })
  @IsString()
  @Length(1, 255)
  @Matches(PRINTABLE, { message: 'must not contain control characters' })
  description!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A valid Paysera consent of the payer: lets Gatehouse reserve the payment with their token or allowance.' })
  @IsOptional()
  @IsUUID()
  consentId?: string;

  @ApiPropertyOptional({ default: false, description: "Paysera confirms the payment as soon as the payer accepts it (no separate confirm)." })
  @IsOptional()
  @IsBoolean()
  autoConfirm?: boolean;

  @ApiPropertyOptional({ example: 'https://shop.example/return', description: "Where Paysera sends the payer after the confirmation page; one of your allowedReturnUrls." })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  redirectUrl?: string;
}

export class PayseraReserveDto {
  @ApiPropertyOptional({
    enum: ['consent', 'allowance'],
    default: 'consent',
    description: "consent: the payer of the payment's consent accepts with their token (scope initiate_transfers). allowance: paid from that consent's active allowance.",
  })
  @IsOptional()
  @IsIn(['consent', 'allowance'])
  source?: 'consent' | 'allowance';
}

export class PayseraAllowanceDto {
  @ApiProperty({ example: 'subscription-42', description: 'Your unique reference for this allowance; the idempotency key.' })
  @Matches(REFERENCE, { message: REFERENCE_MESSAGE })
  reference!: string;

  @ApiProperty({ type: MoneyDto, description: 'The most Gatehouse may take through it, in cents.' })
  @ValidateNested()
  @Type(() => MoneyDto)
  maxAmount!: MoneyDto;

  @ApiPropertyOptional({ example: 'Monthly subscription', maxLength: 255 })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @Matches(PRINTABLE, { message: 'must not contain control characters' })
  description?: string;

  @ApiPropertyOptional({ minimum: 60, maximum: 31_536_000, example: 2_592_000, description: 'How long it stays usable (valid_for), in seconds.' })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(31_536_000)
  validForSeconds?: number;
}

class PayseraFactsView {
  @ApiProperty({ nullable: true, type: String, example: 'reserved', description: "Paysera's own status word (new, reserved, confirmed, revoked, rejected, ...)." })
  status!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2000001', description: "The payer's wallet, once someone accepted." })
  walletId!: string | null;
}

/** The payment as every provider shows it (its nextAction.redirectUrl is where the payer accepts at Paysera), plus Paysera's word. */
export class PayseraTransactionView extends PaymentView {
  @ApiProperty({ type: PayseraFactsView })
  paysera!: PayseraFactsView;
}

export class PayseraProfileView {
  @ApiProperty({ format: 'uuid' }) consentId!: string;
  @ApiProperty({ example: '1000001', description: "Paysera's user id (a string: ids are not floats)." }) userId!: string;
  @ApiProperty({ nullable: true, type: String, example: 'jonas@example.lt' }) email!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '+37060000001' }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Jonas Petraitis' }) displayName!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'natural' }) type!: string | null;
  @ApiProperty({ type: [String], example: ['2000001'] }) wallets!: string[];
}

class BalanceLineView {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: MoneyDto, description: 'Money the user can spend now (cents).' }) atDisposal!: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'Money held for accepted, unconfirmed payments (cents).' }) reserved!: MoneyDto;
}

export class PayseraBalanceView {
  @ApiProperty({ format: 'uuid' }) consentId!: string;
  @ApiProperty({ type: [BalanceLineView] }) balances!: BalanceLineView[];
}

export class PayseraAllowanceView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'subscription-42' }) reference!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) consentId!: string | null;
  @ApiProperty({ enum: PAYSERA_ALLOWANCE_STATUSES }) status!: PayseraAllowanceStatus;
  @ApiProperty({ type: MoneyDto }) maxAmount!: MoneyDto;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'Used so far, where Paysera reports it.' }) usedAmount!: MoneyDto | null;
  @ApiProperty({ example: 'Monthly subscription' }) description!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) validUntil!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '17', description: "Paysera's allowance id." }) providerReference!: string | null;
  @ApiProperty({ nullable: true, type: String }) walletId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why Paysera refused it, or what last went wrong.' }) lastError?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
