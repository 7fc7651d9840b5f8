import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MoneyDto } from '../../../payments/dto/payment.dto.js';

const REFERENCE = /^[A-Za-z0-9._-]{1,64}$/;
/** The shape of an IBAN (country, check digits, 11-30 more); the check digits are verified by the service. */
const IBAN = /^[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,30}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

// ---- requests ----

export class AccountsQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'Include each account’s balances.' })
  @IsOptional()
  @IsIn(['true', 'false'])
  withBalance?: 'true' | 'false';
}

export class TransactionsQuery {
  @ApiPropertyOptional({ example: '2026-10-01', description: 'First booking day, inclusive (YYYY-MM-DD). Default: ConnectPay’s (90 days before dateTo).' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date as YYYY-MM-DD' })
  dateFrom?: string;

  @ApiPropertyOptional({ example: '2026-10-31', description: 'Last booking day, inclusive (YYYY-MM-DD). Default: today.' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date as YYYY-MM-DD' })
  dateTo?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  sortOrder?: 'asc' | 'desc';

  @ApiPropertyOptional({ minimum: 1, default: 1, description: 'Page number, from 1.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  pageSize?: number;
}

export class IbanAccountDto {
  @ApiProperty({ example: 'LT443990000000010001' })
  @IsString()
  @Matches(IBAN, { message: 'must be an IBAN' })
  iban!: string;
}

export class ConnectPayPaymentDto {
  @ApiProperty({ example: 'order-1001', description: 'Your unique reference; it is also the idempotency key (same reference + same request = the same payment).' })
  @Matches(REFERENCE, { message: 'must be 1-64 letters, digits, dot, underscore or hyphen' })
  reference!: string;

  @ApiProperty({ type: MoneyDto, description: 'Integer cents; ConnectPay accounts are in EUR.', example: { value: 10025, currency: 'EUR' } })
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  @ApiProperty({ type: IbanAccountDto, description: 'The PSU’s account to pay from: one of the consent customer’s accounts.' })
  @ValidateNested()
  @Type(() => IbanAccountDto)
  debtorAccount!: IbanAccountDto;

  @ApiProperty({ example: 'UAB Saulės Kepykla', maxLength: 70 })
  @IsString()
  @Length(1, 70)
  creditorName!: string;

  @ApiProperty({ type: IbanAccountDto })
  @ValidateNested()
  @Type(() => IbanAccountDto)
  creditorAccount!: IbanAccountDto;

  @ApiPropertyOptional({ example: 'Order 1001', maxLength: 140 })
  @IsOptional()
  @IsString()
  @Length(1, 140)
  remittanceInformation?: string;

  @ApiPropertyOptional({ example: 'E2E-1001', description: 'ISO 20022 end-to-end id (1-35 printable ASCII); default: derived from the payment id.' })
  @IsOptional()
  @Matches(/^[\x20-\x7e]{1,35}$/, { message: 'must be 1-35 printable ASCII characters' })
  endToEndId?: string;
}

// ---- views ----

export class AmountView {
  @ApiProperty({ example: 245075, description: 'Integer minor units (cents); negative for a negative balance.' })
  value!: number;

  @ApiProperty({ example: 'EUR' })
  currency!: string;
}

export class BalanceView {
  @ApiProperty({ example: 'interimAvailable', description: 'ConnectPay’s balance type (e.g. interimBooked, interimAvailable).' })
  type!: string;

  @ApiProperty({ type: AmountView })
  amount!: AmountView;
}

export class PsuView {
  @ApiProperty({ example: 'PRS-1001', nullable: true, type: String })
  personId!: string | null;

  @ApiProperty({ example: 'CUS-2001', nullable: true, type: String })
  customerId!: string | null;

  @ApiProperty({ example: 'Jonas Petraitis', nullable: true, type: String })
  customerName!: string | null;

  @ApiProperty({ example: 'PRIVATE', nullable: true, type: String })
  customerType!: string | null;
}

export class AccountView {
  @ApiProperty({ example: '4399a0ca-9f17-487d-939f-cc234e34ffa7' })
  accountId!: string;

  @ApiProperty({ example: 'LT443990000000010001' })
  iban!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Current account' })
  name!: string | null;

  @ApiProperty({ example: 'EUR' })
  currency!: string;

  @ApiPropertyOptional({ type: [BalanceView], description: 'With withBalance=true.' })
  balances?: BalanceView[];
}

export class AccountsView {
  @ApiProperty({ format: 'uuid' })
  consentId!: string;

  @ApiProperty({ type: PsuView, nullable: true, description: 'The person and customer the consent is bound to.' })
  psu!: PsuView | null;

  @ApiProperty({ type: [AccountView], description: 'Only the accounts of the consent’s customer.' })
  accounts!: AccountView[];
}

export class BalancesView {
  @ApiProperty({ format: 'uuid' })
  consentId!: string;

  @ApiProperty()
  accountId!: string;

  @ApiProperty({ nullable: true, type: String })
  iban!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2026-11-15' })
  referenceDate!: string | null;

  @ApiProperty({ type: [BalanceView] })
  balances!: BalanceView[];
}

export class TransactionView {
  @ApiProperty()
  transactionId!: string;

  @ApiProperty({ nullable: true, type: String, example: '2026-11-14' })
  bookingDate!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2026-11-14' })
  valueDate!: string | null;

  @ApiProperty({ example: 'BOOK' })
  status!: string;

  @ApiProperty({ enum: ['credit', 'debit'] })
  direction!: 'credit' | 'debit';

  @ApiProperty({ type: AmountView, description: 'Unsigned; `direction` says which way the money went.' })
  amount!: AmountView;

  @ApiProperty({ nullable: true, type: String })
  counterpartyName!: string | null;

  @ApiProperty({ nullable: true, type: String })
  counterpartyIban!: string | null;

  @ApiProperty({ nullable: true, type: String })
  remittanceInformation!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The payment order that booked it, when it was one.' })
  paymentOrderNo!: string | null;
}

export class TransactionPageView {
  @ApiProperty({ format: 'uuid' })
  consentId!: string;

  @ApiProperty()
  accountId!: string;

  @ApiProperty({ nullable: true, type: String })
  iban!: string | null;

  @ApiProperty({ nullable: true, type: String })
  dateFrom!: string | null;

  @ApiProperty({ nullable: true, type: String })
  dateTo!: string | null;

  @ApiProperty({ nullable: true, type: String, enum: ['asc', 'desc'] })
  sortOrder!: string | null;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 100 })
  pageSize!: number;

  @ApiProperty({ example: 5 })
  totalCount!: number;

  @ApiProperty({ example: 1 })
  totalPages!: number;

  @ApiProperty({ type: [TransactionView] })
  transactions!: TransactionView[];
}
