import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsEmail, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { PageQuery } from '../../common/paging/page-query.dto.js';
import { PAYMENT_STATUSES, type PaymentStatus } from '../payment.entity.js';
import { MoneyDto, PaymentView } from './payment.dto.js';

export class PayerDto {
  @ApiPropertyOptional({ example: '46733123453', description: 'MoMo: the wallet number (MSISDN) to collect from.' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9]{6,15}$/)
  msisdn?: string;

  @ApiPropertyOptional({ example: 'payer@example.com' })
  @IsOptional()
  @IsEmail()
  @Length(3, 254)
  email?: string;

  @ApiPropertyOptional({ example: 'Ada Obi' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  name?: string;
}

export class CreatePaymentDto {
  @ApiProperty({ example: 'momo', description: 'paga, connectpay, momo, paysera or paco (those configured; see GET /v1/payments/providers).' })
  @IsString()
  @Length(1, 40)
  provider!: string;

  @ApiProperty({ type: MoneyDto })
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  @ApiProperty({ example: 'order-1001', description: "The merchant's reference: unique per merchant and provider; a repeat returns the recorded payment." })
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'reference must be 1 to 64 letters, digits or . _ : -' })
  reference!: string;

  @ApiPropertyOptional({ example: 'Two coffees', maxLength: 160 })
  @IsOptional()
  @IsString()
  @Length(1, 160)
  description?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Paga, ConnectPay and Paysera: the valid consent of the paying user.' })
  @IsOptional()
  @IsUUID()
  consentId?: string;

  @ApiPropertyOptional({ type: PayerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PayerDto)
  payer?: PayerDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      "The provider's own fields. paga: {customerReference?, productCode?}; momo: {payeeNote?}; connectpay: {creditor: {name, iban}, …}; paysera: {…}; paco: {flow: 'hosted' | 'direct', …}. See the provider's section of the README.",
  })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}

export class RefundPaymentDto {
  @ApiPropertyOptional({ example: 500, description: 'Minor units; all of it when absent.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount?: number;
}

export class ListPaymentsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'momo' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  provider?: string;

  @ApiPropertyOptional({ enum: PAYMENT_STATUSES })
  @IsOptional()
  @IsIn(PAYMENT_STATUSES)
  status?: PaymentStatus;

  @ApiPropertyOptional({ example: 'order-1001' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  reference?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  consentId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after.' })
  @IsOptional()
  @IsDateString()
  createdFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before.' })
  @IsOptional()
  @IsDateString()
  createdTo?: string;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{10,200}$/)
  cursor?: string;
}

export class PaymentPage {
  @ApiProperty({ type: [PaymentView] })
  data!: PaymentView[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class ProvidersView {
  @ApiProperty({ example: ['momo', 'paga'] })
  providers!: string[];
}

