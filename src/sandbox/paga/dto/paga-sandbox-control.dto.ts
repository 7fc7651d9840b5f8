import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { PAGA_FAILABLE_OPERATIONS, type PagaFailableOperation } from '../paga-sandbox.constants.js';

const USERNAME = { example: 'adaobi', description: 'A test user (see GET users).' };

export class PagaSandboxNextDecisionDto {
  @ApiProperty({ enum: ['approve', 'deny'] })
  @IsIn(['approve', 'deny'])
  decision!: 'approve' | 'deny';

  @ApiPropertyOptional({ ...USERNAME, description: 'Who approves; default: the first test user.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  username?: string;

  @ApiPropertyOptional({ description: 'Only for this client; default: the next authorization request of any client.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  clientId?: string;
}

export class UsernameFilterDto {
  @ApiPropertyOptional({ ...USERNAME, description: "Only this user's tokens; default: everyone's." })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  username?: string;
}

export class PagaSandboxFailNextDto {
  @ApiProperty({ enum: PAGA_FAILABLE_OPERATIONS })
  @IsIn(PAGA_FAILABLE_OPERATIONS)
  operation!: PagaFailableOperation;

  @ApiPropertyOptional({ minimum: 400, maximum: 599, example: 503, description: 'Fail with this HTTP status and an OAuth-style error body. Without it, the call answers 200 with a business errorCode (not for token).' })
  @IsOptional()
  @IsInt()
  @Min(400)
  @Max(599)
  httpStatus?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 9999, example: 99, description: 'The business errorCode of a 200 failure; default 99.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(9999)
  errorCode?: number;

  @ApiPropertyOptional({ example: 'Service temporarily unavailable', maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  errorMessage?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 60000, example: 2000, description: 'Wait this long before answering (alone: a slow but otherwise normal call).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  delayMs?: number;
}

export class RegisterClientDto {
  @ApiProperty({ example: 'A3878DC1-F07D-48E7-AA59-8276C3C26647' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[^:\s]+$/, { message: 'clientId must not contain ":" or spaces (it travels in HTTP Basic)' })
  clientId!: string;

  @ApiProperty({ example: 'another-sandbox-secret', minLength: 8 })
  @IsString()
  @Length(8, 200)
  clientSecret!: string;

  @ApiProperty({ type: [String], example: ['http://localhost:3000/oauth/paga/callback'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2048, { each: true })
  redirectUris!: string[];

  @ApiPropertyOptional({ example: 'Acme Stores', description: 'Shown on the consent page; default: the client id.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ example: '1000000.00', description: "The client's NGN float (pays money transfers), a decimal string; default ₦10,000,000.00." })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,13}(\.\d{1,2})?$/, { message: 'floatBalance must be a decimal string with at most 2 decimals' })
  floatBalance?: string;
}

export class PagaSandboxUpdateSettingsDto {
  @ApiPropertyOptional({ minimum: 1, example: 43199, description: 'Lifetime of new access tokens (their expires_in).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10 * 365 * 24 * 3600)
  accessTokenTtlSeconds?: number;

  @ApiPropertyOptional({ minimum: 1, example: 2592000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10 * 365 * 24 * 3600)
  refreshTokenTtlSeconds?: number;

  @ApiPropertyOptional({ minimum: 1, example: 600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(24 * 3600)
  codeTtlSeconds?: number;

  @ApiPropertyOptional({ minimum: 1, example: 600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(24 * 3600)
  loginPageTtlSeconds?: number;

  @ApiPropertyOptional({ description: 'true: a refresh also returns a new refresh token and revokes the old one.' })
  @IsOptional()
  @IsBoolean()
  rotateRefreshTokens?: boolean;
}

export class PagaSandboxAdvanceTimeDto {
  @ApiProperty({ minimum: 1, example: 601, description: "Move the emulator's clock forward (expiry of codes and tokens)." })
  @IsInt()
  @Min(1)
  @Max(10 * 365 * 24 * 3600)
  seconds!: number;
}

export class RequestsQuery {
  @ApiPropertyOptional({ enum: ['authorization', 'token', 'merchantPayment', 'moneyTransfer', 'userDetails', 'accountBalance', 'unknown'] })
  @IsOptional()
  @IsIn(['authorization', 'token', 'merchantPayment', 'moneyTransfer', 'userDetails', 'accountBalance', 'unknown'])
  operation?: string;
}

// ---- views ----

export class SandboxUserView {
  @ApiProperty({ example: 'adaobi' }) username!: string;
  @ApiProperty({ example: '07030280000' }) phone!: string;
  @ApiProperty({ example: 'Adaobi' }) firstName!: string;
  @ApiProperty({ example: 'Okeke' }) lastName!: string;
  @ApiProperty({ example: 'adaobi.okeke@example.ng' }) email!: string;
  @ApiProperty({ example: '250000.00', description: 'NGN, a decimal string.' }) balance!: string;
  @ApiProperty({ example: 'NGN' }) currency!: string;
}

export class SandboxUserList {
  @ApiProperty({ type: [SandboxUserView] }) data!: SandboxUserView[];
  @ApiProperty({ example: 'sandbox-pass-1', description: 'The password of every test user.' }) password!: string;
}

export class SandboxClientView {
  @ApiProperty() clientId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) redirectUris!: string[];
  @ApiProperty({ example: '10000000.00', description: "The client's NGN float, a decimal string." }) floatBalance!: string;
}

export class SandboxClientList {
  @ApiProperty({ type: [SandboxClientView] }) data!: SandboxClientView[];
}

export class RegisteredClientView extends SandboxClientView {
  @ApiProperty({ description: 'false when an existing client was updated.' }) created!: boolean;
}

export class JournalEntryView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'POST' }) method!: string;
  @ApiProperty({ example: '/sandbox/paga/paga-webservices/oauth2/token', description: 'The path; query values are never kept.' }) path!: string;
  @ApiProperty({ type: [String], example: ['grant_type', 'code', 'redirect_uri'] }) queryKeys!: string[];
  @ApiProperty({ example: 'token' }) operation!: string;
  @ApiProperty({ example: 200 }) status!: number;
  @ApiProperty({ example: 3 }) durationMs!: number;
  @ApiPropertyOptional() clientId?: string;
  @ApiPropertyOptional({ example: 'authorization_code' }) grantType?: string;
  @ApiPropertyOptional({ example: 'adaobi' }) username?: string;
  @ApiPropertyOptional({ example: '3f9a0c1d2e4b5a6c', description: 'First 16 hex chars of SHA-256 of the access token presented or issued.' }) tokenHash?: string;
  @ApiPropertyOptional({ example: 0, description: 'The business errorCode of a 200 answer.' }) errorCode?: number;
}

export class PagaSandboxJournalView {
  @ApiProperty({ type: [JournalEntryView] }) data!: JournalEntryView[];
  @ApiProperty({ example: { token: 2, merchantPayment: 1 }, description: 'Requests by operation (all kept requests, not only the filtered ones).' }) counts!: Record<string, number>;
}

export class TransactionView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['merchantPayment', 'moneyTransfer'] }) type!: string;
  @ApiProperty({ example: 'X4B7Q', description: 'confirmationCode (payments) or transactionId (transfers).' }) id!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty() referenceNumber!: string;
  @ApiProperty({ description: 'The paying user (payments) or the credited user (transfers).' }) username!: string;
  @ApiProperty({ example: '500.00' }) amount!: string;
}

export class TransactionList {
  @ApiProperty({ type: [TransactionView] }) data!: TransactionView[];
}

export class CountView {
  @ApiProperty({ example: 1 }) count!: number;
}

export class PagaSandboxSettingsView {
  @ApiProperty({ example: 43199 }) accessTokenTtlSeconds!: number;
  @ApiProperty({ example: 2592000 }) refreshTokenTtlSeconds!: number;
  @ApiProperty({ example: 600 }) codeTtlSeconds!: number;
  @ApiProperty({ example: 600 }) loginPageTtlSeconds!: number;
  @ApiProperty({ example: false }) rotateRefreshTokens!: boolean;
}
