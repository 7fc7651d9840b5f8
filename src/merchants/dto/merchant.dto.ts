import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { PageQuery } from '../../common/paging/page-query.dto.js';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import type { Merchant, MerchantStatus } from '../merchant.entity.js';

export class CreateMerchantDto {
  @ApiProperty({ example: 'Acme Stores', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  // URL rules (https in production, no credentials) are checked by MerchantsService, per item.
  @ApiPropertyOptional({ type: [String], example: ['https://shop.example/return'], description: 'Exact URLs a consent flow may send the user back to.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2048, { each: true })
  allowedReturnUrls?: string[];

  @ApiPropertyOptional({ type: [String], example: ['https://shop.example/hooks/gatehouse'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2048, { each: true })
  webhookUrls?: string[];
}

export class UpdateMerchantDto extends PartialType(CreateMerchantDto) {
  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: MerchantStatus;
}

/** A merchant as the API shows it. */
export class MerchantView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ['active', 'disabled'] })
  status!: MerchantStatus;

  @ApiProperty({ type: [String] })
  allowedReturnUrls!: string[];

  @ApiProperty({ type: [String] })
  webhookUrls!: string[];

  @ApiProperty()
  isDemo!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static of(m: Merchant): MerchantView {
    return {
      id: m.id,
      name: m.name,
      status: m.status,
      allowedReturnUrls: m.allowedReturnUrls,
      webhookUrls: m.webhookUrls,
      isDemo: m.isDemo,
      createdAt: m.createdAt.toISOString(),
    };
  }
}

export class MerchantPage {
  @ApiProperty({ type: [MerchantView] })
  data!: MerchantView[];

  @ApiProperty()
  total!: number;
}

export class ListMerchantsQuery extends PageQuery {
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset: number = 0;
}
