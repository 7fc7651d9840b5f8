import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { API_KEY_SCOPES, type ApiKeyMode, type ApiKeyScope } from '../api-key.codec.js';
import type { ApiKey } from '../api-key.entity.js';

export class CreateApiKeyDto {
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['consents', 'payments', 'read'] })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes!: ApiKeyScope[];

  @ApiPropertyOptional({ example: 'checkout backend', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  label?: string;
}

/** An API key as the API shows it: never the key or its hash. */
export class ApiKeyView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'gh_test_abcdefghijkl', description: 'The public start of the key.' })
  prefix!: string;

  @ApiProperty({ enum: ['live', 'test'] })
  mode!: ApiKeyMode;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
  scopes!: ApiKeyScope[];

  @ApiProperty({ nullable: true, type: String })
  label!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastUsedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt!: string | null;

  static of(k: ApiKey): ApiKeyView {
    return {
      id: k.id,
      prefix: k.prefix,
      mode: k.mode,
      scopes: k.scopes,
      label: k.label,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
    };
  }
}

export class IssuedApiKeyView {
  @ApiProperty({ type: ApiKeyView })
  apiKey!: ApiKeyView;

  @ApiProperty({ example: 'gh_test_abcdefghijkl_…', description: 'The whole key. Shown only in this response; store it now.' })
  key!: string;
}

export class ApiKeyList {
  @ApiProperty({ type: [ApiKeyView] })
  data!: ApiKeyView[];
}
