import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { PAYSERA_CALLBACK_MODES, PAYSERA_OPERATIONS, type PayseraCallbackMode } from '../paysera-sandbox.constants.js';

const USER = { example: 'jonas@example.lt', description: 'A test user by email (see GET users).' };

export class PayseraSandboxNextDecisionDto {
  @ApiProperty({ enum: ['approve', 'deny'] })
  @IsIn(['approve', 'deny'])
  decision!: 'approve' | 'deny';

  @ApiPropertyOptional({ ...USER, description: 'Who approves; default: the first test user.' })
  @IsOptional()
  @IsEmail()
  user?: string;
}

export class UserFilterDto {
  @ApiPropertyOptional({ ...USER, description: "Only this user's tokens; default: everyone's." })
  @IsOptional()
  @IsEmail()
  user?: string;
}

export class PayseraSandboxAdvanceTimeDto {
  @ApiProperty({ minimum: 1, maximum: 31_536_000, example: 3601, description: 'Seconds to move virtual time (lifetimes) forward.' })
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  seconds!: number;
}

export class ClockSkewDto {
  @ApiProperty({ minimum: -86_400, maximum: 86_400, example: 900, description: "The server clock's offset from the wall clock (MAC timestamps, GET /rest/v1/server). 0 removes it." })
  @IsInt()
  @Min(-86_400)
  @Max(86_400)
  seconds!: number;
}

// The browser pages answer with HTML, never a Paysera error body, so they cannot be failed.
const FAILABLE = PAYSERA_OPERATIONS.filter((o) => o !== 'authorize' && o !== 'transaction.page');

export class PayseraSandboxFailNextDto {
  @ApiProperty({ enum: FAILABLE })
  @IsIn(FAILABLE)
  operation!: (typeof FAILABLE)[number];

  @ApiPropertyOptional({ minimum: 400, maximum: 599, default: 500 })
  @IsOptional()
  @IsInt()
  @Min(400)
  @Max(599)
  httpStatus?: number;

  @ApiPropertyOptional({ example: 'internal_server_error', default: 'internal_server_error', description: 'The `error` code of the body.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  error?: string;

  @ApiPropertyOptional({ example: 'Temporary failure', maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  errorDescription?: string;
}

export class CallbackModeDto {
  @ApiProperty({ enum: PAYSERA_CALLBACK_MODES, description: 'deliver (default), drop (not sent), delay (sent after delayMs), duplicate (sent twice).' })
  @IsIn(PAYSERA_CALLBACK_MODES)
  mode!: PayseraCallbackMode;

  @ApiPropertyOptional({ minimum: 0, maximum: 600_000, example: 2000, description: 'For mode delay.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  delayMs?: number;
}

export class RequestsQuery {
  @ApiPropertyOptional({ enum: [...PAYSERA_OPERATIONS, 'unknown'], description: 'Only this operation.' })
  @IsOptional()
  @IsIn([...PAYSERA_OPERATIONS, 'unknown'])
  operation?: string;
}

export class CountView {
  @ApiProperty({ example: 1 }) count!: number;
}

export class SandboxUserView {
  @ApiProperty({ example: 1000001 }) userId!: number;
  @ApiProperty({ example: 'jonas@example.lt' }) email!: string;
  @ApiProperty({ example: 'Jonas Petraitis' }) displayName!: string;
  @ApiProperty({ example: 2000001 }) walletId!: number;
  @ApiProperty({ example: 250000, description: 'EUR cents at disposal.' }) atDisposal!: number;
  @ApiProperty({ example: 0, description: 'EUR cents reserved.' }) reserved!: number;
  @ApiProperty({ example: '2500.00' }) atDisposalDecimal!: string;
}

export class SandboxUserList {
  @ApiProperty({ type: [SandboxUserView] }) data!: SandboxUserView[];
  @ApiProperty({ example: 'sandbox-pass-1', description: 'The password of every test user.' }) password!: string;
}

export class JournalEntryView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'GET' }) method!: string;
  @ApiProperty({ example: '/sandbox/paysera/rest/v1/wallet/me/balance' }) path!: string;
  @ApiProperty({ type: [String], description: 'Names only; query values are never kept.' }) queryKeys!: string[];
  @ApiProperty({ example: 'wallet.balance' }) operation!: string;
  @ApiProperty({ example: 200 }) status!: number;
  @ApiProperty({ example: 3 }) durationMs!: number;
  @ApiPropertyOptional() clientId?: string;
  @ApiPropertyOptional() userId?: number;
  @ApiPropertyOptional() grantType?: string;
  @ApiPropertyOptional({ enum: ['client', 'user'] }) credential?: string;
  @ApiPropertyOptional({ example: 'invalid_timestamp' }) error?: string;
}

export class PayseraSandboxJournalView {
  @ApiProperty({ type: [JournalEntryView] }) data!: JournalEntryView[];
}
