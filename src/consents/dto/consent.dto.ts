import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/paging/page-query.dto.js';
import { CONSENT_STATUSES, type ConsentStatus } from '../consent-status.js';
import type { ConsentEvent } from '../consent-event.entity.js';
import type { Consent } from '../consent.entity.js';
import type { Psu } from '../psu.entity.js';

export class CreateConsentDto {
  @ApiProperty({ example: 'paga', description: 'A consent provider: paga or connectpay.' })
  @IsString()
  @Length(1, 40)
  provider!: string;

  @ApiProperty({ example: 'customer-42', description: "The merchant's own reference for the user." })
  @IsString()
  @Length(1, 200)
  psuReference!: string;

  @ApiProperty({ type: [String], example: ['MERCHANT_PAYMENT', 'USER_DETAILS_REQUEST'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  scopes!: string[];

  @ApiPropertyOptional({ type: [String], example: ['FIRST_NAME', 'LAST_NAME', 'EMAIL', 'ACCOUNT_BALANCE'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  userData?: string[];

  @ApiProperty({ example: 'https://shop.example/return', description: "Must be one of the merchant's allowed return URLs, exactly." })
  @IsString()
  @MaxLength(2048)
  returnUrl!: string;
}

export class ListConsentsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'paga' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  provider?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  psuReference?: string;

  @ApiPropertyOptional({ enum: CONSENT_STATUSES })
  @IsOptional()
  @IsIn(CONSENT_STATUSES)
  status?: ConsentStatus;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{10,200}$/)
  cursor?: string;
}

export class ConsentEventView {
  @ApiProperty({ enum: CONSENT_STATUSES, nullable: true, type: String })
  from!: ConsentStatus | null;

  @ApiProperty({ enum: CONSENT_STATUSES })
  to!: ConsentStatus;

  @ApiProperty({ example: 'the user approved' })
  cause!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  static of(e: ConsentEvent): ConsentEventView {
    return { from: e.fromStatus, to: e.toStatus, cause: e.cause, at: e.at.toISOString() };
  }
}

class GrantView {
  @ApiProperty({ type: [String] })
  requested!: string[];

  @ApiProperty({ type: [String], nullable: true, description: 'What the user granted; null until the consent is valid.' })
  granted!: string[] | null;
}

/** A consent as merchants see it: never a token, code or state. */
export class ConsentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'paga' })
  provider!: string;

  @ApiProperty({ example: 'customer-42' })
  psuReference!: string;

  @ApiProperty({ enum: CONSENT_STATUSES })
  status!: ConsentStatus;

  @ApiProperty({ type: GrantView })
  scopes!: GrantView;

  @ApiProperty({ type: GrantView })
  userData!: GrantView;

  @ApiProperty()
  returnUrl!: string;

  @ApiPropertyOptional({ description: 'Send the user here to give consent; present while the consent is received.' })
  authorizationUrl?: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  expiresAt!: string | null;

  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { personId: 'PRS-1001', customerId: 'CUS-2001' },
    description: "Whom the consent's tokens belong to at the provider (ConnectPay: person and customer), once known; null otherwise.",
  })
  providerSubject!: Record<string, string> | null;

  @ApiProperty({ nullable: true, type: String, example: 'access_denied: the user or the provider declined' })
  lastError!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiPropertyOptional({ type: [ConsentEventView], description: 'Every status change (single-consent reads only).' })
  history?: ConsentEventView[];

  static of(c: Consent, psu: Psu, authorizationUrl?: string, history?: ConsentEvent[]): ConsentView {
    return {
      id: c.id,
      provider: c.provider,
      psuReference: psu.externalRef,
      status: c.status,
      scopes: { requested: c.scopesRequested, granted: c.scopesGranted },
      userData: { requested: c.userDataRequested, granted: c.userDataGranted },
      returnUrl: c.returnUrl,
      ...(c.status === 'received' && authorizationUrl ? { authorizationUrl } : {}),
      expiresAt: c.expiresAt?.toISOString() ?? null,
      providerSubject: c.providerSubject ?? null,
      lastError: c.lastError,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      ...(history ? { history: history.map(ConsentEventView.of) } : {}),
    };
  }
}

export class ConsentPage {
  @ApiProperty({ type: [ConsentView] })
  data!: ConsentView[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor to get the next page; null on the last page.' })
  nextCursor!: string | null;
}
