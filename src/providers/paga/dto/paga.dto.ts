import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { MoneyDto } from '../../../payments/dto/payment.dto.js';

const REFERENCE = /^[A-Za-z0-9._-]{1,64}$/;

export class PagaPaymentDto {
  @ApiProperty({ example: 'order-1001', description: 'Your unique reference; it is also the idempotency key (same reference + same request = the same payment).' })
  @Matches(REFERENCE, { message: 'must be 1-64 letters, digits, dot, underscore or hyphen' })
  reference!: string;

  @ApiProperty({ type: MoneyDto, description: 'Paga supports NGN only.' })
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  @ApiProperty({ example: 'customer-42', description: 'Your id for the paying customer (merchantCustomerReference).' })
  @IsString()
  @Length(1, 64)
  @Matches(/^[^/\\?#]+$/, { message: 'must not contain / \\ ? or #' })
  customerReference!: string;

  @ApiPropertyOptional({ example: 'SKU-1' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(/^[^/\\?#]+$/, { message: 'must not contain / \\ ? or #' })
  productCode?: string;
}

export class PagaTransferDto {
  @ApiProperty({ example: 'payout-77' })
  @Matches(REFERENCE, { message: 'must be 1-64 letters, digits, dot, underscore or hyphen' })
  reference!: string;

  @ApiProperty({ type: MoneyDto })
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  @ApiProperty({ example: '07030280000', description: "The recipient's Paga phone number (recipientCredential)." })
  @Matches(/^\+?[0-9]{7,15}$/, { message: 'must be a phone number' })
  recipientPhone!: string;

  @ApiPropertyOptional({ default: false, description: 'Ask Paga not to text the recipient.' })
  @IsOptional()
  @IsBoolean()
  skipMessaging?: boolean;
}

export class PagaUserView {
  @ApiProperty({ format: 'uuid' })
  consentId!: string;

  @ApiProperty({ example: { FIRST_NAME: 'Ada', EMAIL: 'ada@example.ng' }, description: 'Only the user_data fields the user granted.' })
  details!: Record<string, string>;
}

export class PagaBalanceView {
  @ApiProperty({ format: 'uuid' })
  consentId!: string;

  @ApiProperty({ type: MoneyDto, description: 'Available balance.' })
  available!: MoneyDto;

  @ApiPropertyOptional({ type: MoneyDto, nullable: true, description: 'Total balance, where Paga reports one.' })
  total!: MoneyDto | null;

  @ApiProperty({ enum: ['user-details', 'account-balance'], description: 'Where the figure came from (PAGA_BALANCE_SOURCE).' })
  source!: 'user-details' | 'account-balance';
}
