import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MoneyDto } from '../../../payments/dto/payment.dto.js';

const MSISDN = /^\+?[1-9][0-9]{6,14}$/;

export class MomoPartyDto {
  @ApiProperty({ example: '46733123450', description: 'E.164 number, with or without +.' })
  @Matches(MSISDN, { message: 'must be a phone number in international format' })
  msisdn!: string;
}

class MomoPaymentBase {
  @ApiProperty({ example: 'order-1001', description: 'Your unique reference (MoMo externalId); the idempotency key.' })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1-64 letters, digits, dot, underscore or hyphen' })
  reference!: string;

  @ApiProperty({ type: MoneyDto, description: 'EUR in the MoMo sandbox.' })
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  @ApiPropertyOptional({ example: 'Order 1001', description: 'Shown to the customer; MoMo-safe characters only, at most 160 (cleaned, not refused).' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  payerMessage?: string;

  @ApiPropertyOptional({ example: 'Order 1001' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  payeeNote?: string;
}

export class MomoCollectionDto extends MomoPaymentBase {
  @ApiProperty({ type: MomoPartyDto, description: 'Who is asked to pay.' })
  @ValidateNested()
  @Type(() => MomoPartyDto)
  payer!: MomoPartyDto;
}

export class MomoDisbursementDto extends MomoPaymentBase {
  @ApiProperty({ type: MomoPartyDto, description: 'Who is paid.' })
  @ValidateNested()
  @Type(() => MomoPartyDto)
  payee!: MomoPartyDto;
}

export class MomoBalanceView {
  @ApiProperty({ enum: ['collection', 'disbursement'] })
  product!: 'collection' | 'disbursement';

  @ApiProperty({ type: MoneyDto })
  available!: MoneyDto;
}

export class MomoAccountHolderView {
  @ApiProperty({ example: '46733123450' })
  msisdn!: string;

  @ApiProperty()
  active!: boolean;

  @ApiProperty({ nullable: true, type: String })
  givenName!: string | null;

  @ApiProperty({ nullable: true, type: String })
  familyName!: string | null;
}
