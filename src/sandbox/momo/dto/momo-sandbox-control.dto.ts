import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsString, IsUUID, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { MOMO_SANDBOX_PRODUCTS } from '../../sandbox-accounts.js';
import { MOMO_JOURNAL_OPERATIONS, MOMO_OPERATIONS, type MomoCallbackMode, type MomoOperation, type MomoProduct, type MomoReasonFormat } from '../momo-sandbox.constants.js';

/**
 * Optional, but not nullable: unlike `@IsOptional()`, a `null` is validated (and refused), so it can
 * never reach the store as a setting.
 */
const Optional = () => ValidateIf((_object, value) => value !== undefined);

const DAY = 24 * 3600;
const REASON = /^[A-Z][A-Z0-9_]{1,63}$/;
const CODE_MESSAGE = { message: 'must be an upper-case code such as APPROVAL_REJECTED' };

export class MomoSandboxAdvanceTimeDto {
  @ApiProperty({ minimum: 0, example: 5, description: "Move the emulator's clock forward by this many seconds (0: only settle what is due). Due transactions turn final and their callbacks are sent before the answer." })
  @IsInt()
  @Min(0)
  @Max(3650 * DAY)
  seconds!: number;
}

export class ForceOutcomeDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'That transaction: re-planned now if it exists and is PENDING; otherwise armed for when a requesttopay or transfer with this X-Reference-Id is created.' })
  @Optional()
  @IsUUID()
  referenceId?: string;

  @ApiPropertyOptional({ example: '46733123499', description: 'The next transaction whose payer (requesttopay) or payee (transfer) is this MSISDN.' })
  @Optional()
  @IsString()
  @Matches(/^\d{5,15}$/, { message: 'msisdn must be digits only' })
  msisdn?: string;

  @ApiProperty({ enum: ['SUCCESSFUL', 'FAILED', 'PENDING'], description: 'PENDING: never final (and no callback).' })
  @IsIn(['SUCCESSFUL', 'FAILED', 'PENDING'])
  status!: 'SUCCESSFUL' | 'FAILED' | 'PENDING';

  @ApiPropertyOptional({ example: 'APPROVAL_REJECTED', description: 'The reason of a FAILED outcome; default INTERNAL_PROCESSING_ERROR. Only with FAILED.' })
  @Optional()
  @IsString()
  @Matches(REASON, CODE_MESSAGE)
  reason?: string;

  @ApiPropertyOptional({ minimum: 0, example: 0, description: 'Virtual seconds until the outcome (from now for an existing transaction, from its creation otherwise); default: the pendingSeconds setting.' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(3650 * DAY)
  delaySeconds?: number;
}

export class CallbackPolicyDto {
  @ApiProperty({ enum: ['deliver', 'drop', 'delay', 'duplicate'], description: 'deliver: once, when final. drop: never sent (journaled as dropped). delay: sent delaySeconds after final. duplicate: sent `times` times.' })
  @IsIn(['deliver', 'drop', 'delay', 'duplicate'])
  mode!: MomoCallbackMode;

  @ApiPropertyOptional({ minimum: 0, example: 30, description: 'mode delay: virtual seconds between the final state and the callback; default 0.' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(3650 * DAY)
  delaySeconds?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, example: 2, description: 'mode duplicate: how many times the callback is sent; default 2.' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(10)
  times?: number;
}

export class SetBalanceDto {
  @ApiProperty({ example: '1500.50', description: 'EUR, a decimal string with at most 2 decimals (0 allowed).' })
  @IsString()
  @Matches(/^\d{1,13}(\.\d{1,2})?$/, { message: 'amount must be a decimal string with at most 2 decimals' })
  amount!: string;
}

export class MomoSandboxFailNextDto {
  @ApiProperty({ enum: MOMO_OPERATIONS, description: '`status` is the GET of a requesttopay or transfer.' })
  @IsIn(MOMO_OPERATIONS)
  operation!: MomoOperation;

  @ApiPropertyOptional({ enum: MOMO_SANDBOX_PRODUCTS, description: 'Only a call on this product; default: either. (Provisioning calls have no product.)' })
  @Optional()
  @IsIn(MOMO_SANDBOX_PRODUCTS)
  product?: MomoProduct;

  @ApiPropertyOptional({ minimum: 400, maximum: 599, example: 503, description: 'Answer this status. With `code`: MoMo body `{code,message}`; without: the gateway body for 401/403/404/429, else a MoMo body with a code by status.' })
  @Optional()
  @IsInt()
  @Min(400)
  @Max(599)
  httpStatus?: number;

  @ApiPropertyOptional({ example: 'SERVICE_UNAVAILABLE', description: 'The MoMo error code of the answer (needs httpStatus).' })
  @Optional()
  @IsString()
  @Matches(REASON, CODE_MESSAGE)
  code?: string;

  @ApiPropertyOptional({ example: 'Service temporarily unavailable', maxLength: 300 })
  @Optional()
  @IsString()
  @Length(1, 300)
  message?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 60000, example: 5000, description: 'Wait this long first (alone: a slow but otherwise normal call; long: a timeout for the client).' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  delayMs?: number;

  @ApiPropertyOptional({ description: 'Destroy the connection without answering (after delayMs, if given).' })
  @Optional()
  @IsBoolean()
  drop?: boolean;

  @ApiPropertyOptional({ enum: ['before', 'after'], description: "before (default): the call does nothing. after: it is carried out (a transaction is created), then its answer is replaced or dropped: the client can't know it went through." })
  @Optional()
  @IsIn(['before', 'after'])
  when?: 'before' | 'after';
}

export class RequestsQuery {
  @ApiPropertyOptional({ enum: MOMO_JOURNAL_OPERATIONS })
  @Optional()
  @IsIn(MOMO_JOURNAL_OPERATIONS)
  operation?: string;

  @ApiPropertyOptional({ enum: MOMO_SANDBOX_PRODUCTS })
  @Optional()
  @IsIn(MOMO_SANDBOX_PRODUCTS)
  product?: string;
}

export class MomoSandboxUpdateSettingsDto {
  @ApiPropertyOptional({ minimum: 1, example: 3600, description: 'expires_in of tokens issued from now on.' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(3650 * DAY)
  tokenLifetimeSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, example: 5, description: 'How long new ordinary transactions stay PENDING (0: final at once).' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(3650 * DAY)
  pendingSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, example: 25, description: '46733123454 ("Delayed"): SUCCESSFUL after this many seconds.' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(3650 * DAY)
  delayedSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, nullable: true, example: null, description: '46733123453 ("Ongoing"): null = PENDING for ever; a number = SUCCESSFUL after that many seconds.' })
  @ValidateIf((_object, value) => value !== undefined && value !== null)
  @IsInt()
  @Min(0)
  @Max(3650 * DAY)
  ongoingSeconds?: number | null;

  @ApiPropertyOptional({ enum: ['string', 'object'], description: '`reason` of FAILED: "APPROVAL_REJECTED" (as MoMo sends it) or {code,message} (the OpenAPI form).' })
  @Optional()
  @IsIn(['string', 'object'])
  reasonFormat?: MomoReasonFormat;

  @ApiPropertyOptional({ minimum: 100, maximum: 60000, example: 2000, description: 'How long a callback receiver may take.' })
  @Optional()
  @IsInt()
  @Min(100)
  @Max(60_000)
  callbackTimeoutMs?: number;
}

// ---- views ----

export class MomoSandboxAdvanceTimeView {
  @ApiProperty({ format: 'date-time', description: "The emulator's time after the move." }) now!: string;
  @ApiProperty({ example: 1, description: 'Callbacks sent (and answered, failed or timed out) before this answer.' }) callbacksSent!: number;
}

export class ForcedOutcomeView {
  @ApiProperty({ enum: ['transaction', 'armed'], description: 'transaction: an existing PENDING transaction was re-planned. armed: waits for the next matching transaction.' }) appliedTo!: string;
  @ApiProperty({ example: 1, description: 'Forced outcomes waiting for a transaction.' }) queued!: number;
}

export class CallbackPolicyView {
  @ApiProperty({ enum: ['deliver', 'drop', 'delay', 'duplicate'] }) mode!: string;
  @ApiProperty({ example: 0 }) delaySeconds!: number;
  @ApiProperty({ example: 1 }) times!: number;
}

export class MomoSandboxBalanceView {
  @ApiProperty({ enum: MOMO_SANDBOX_PRODUCTS }) product!: string;
  @ApiProperty({ example: '1500.5', description: 'EUR, as MoMo writes amounts (no trailing zeros).' }) availableBalance!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
}

export class BalanceList {
  @ApiProperty({ type: [MomoSandboxBalanceView] }) data!: MomoSandboxBalanceView[];
}

export class MomoSandboxFailNextView extends MomoSandboxFailNextDto {
  @ApiProperty({ example: 1, description: 'Forced failures waiting.' }) queued!: number;
}

export class JournalEntryView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['in', 'out'], description: 'in: a request received. out: a callback sent (or dropped).' }) direction!: string;
  @ApiProperty({ example: 'POST' }) method!: string;
  @ApiProperty({ example: '/sandbox/momo/collection/v1_0/requesttopay', description: 'in: the path (query values are never kept). out: the callback URL without its query.' }) path!: string;
  @ApiPropertyOptional({ type: [String], example: [] }) queryKeys?: string[];
  @ApiProperty({ enum: MOMO_JOURNAL_OPERATIONS }) operation!: string;
  @ApiPropertyOptional({ enum: MOMO_SANDBOX_PRODUCTS, description: 'The product of the path, or of the subscription key on provisioning calls.' }) product?: string;
  @ApiPropertyOptional({ format: 'uuid' }) referenceId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The API user (an id, not a credential).' }) apiUser?: string;
  @ApiPropertyOptional({ example: '3f9a0c1d2e4b5a6c', description: 'First 16 hex chars of SHA-256 of the access token presented or issued.' }) tokenHash?: string;
  @ApiProperty({ example: 202, nullable: true, type: Number, description: 'null: no answer (dropped connection, or a callback that failed or was dropped).' }) status!: number | null;
  @ApiPropertyOptional({ example: 'RESOURCE_ALREADY_EXIST', description: 'MoMo code, token error (login_failed) or gateway-<status>.' }) errorCode?: string;
  @ApiPropertyOptional({ enum: ['dropped', 'failed'] }) outcome?: string;
  @ApiPropertyOptional({ example: 'ECONNREFUSED' }) error?: string;
  @ApiPropertyOptional({ example: 2, description: 'Which copy of a duplicated callback.' }) copy?: number;
  @ApiProperty({ example: 3 }) durationMs!: number;
}

export class MomoSandboxJournalView {
  @ApiProperty({ type: [JournalEntryView] }) data!: JournalEntryView[];
  @ApiProperty({ example: { token: 1, requesttopay: 1, callback: 1 }, description: 'Entries by operation (all kept entries, not only the filtered ones).' }) counts!: Record<string, number>;
  @ApiProperty({ example: { collection: { token: 1, requesttopay: 1 } }, description: 'Entries by product, then operation.' }) countsByProduct!: Record<string, Record<string, number>>;
}

export class TransactionView {
  @ApiProperty({ format: 'uuid' }) referenceId!: string;
  @ApiProperty({ enum: ['requesttopay', 'transfer'] }) kind!: string;
  @ApiProperty({ enum: MOMO_SANDBOX_PRODUCTS }) product!: string;
  @ApiProperty({ format: 'uuid' }) apiUser!: string;
  @ApiProperty({ enum: ['PENDING', 'SUCCESSFUL', 'FAILED'] }) status!: string;
  @ApiPropertyOptional({ example: 'APPROVAL_REJECTED' }) reason?: string;
  @ApiPropertyOptional({ example: '1195582132' }) financialTransactionId?: string;
  @ApiProperty({ example: '12.5' }) amount!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiPropertyOptional() externalId?: string;
  @ApiProperty({ example: { partyIdType: 'MSISDN', partyId: '46733123451' } }) party!: { partyIdType: string; partyId: string };
  @ApiPropertyOptional() payerMessage?: string;
  @ApiPropertyOptional() payeeNote?: string;
  @ApiPropertyOptional({ description: 'X-Callback-Url without its query.' }) callbackUrl?: string;
  @ApiProperty({ enum: ['default', 'test-number', 'forced'] }) outcomeSource!: string;
  @ApiProperty({ enum: ['SUCCESSFUL', 'FAILED', 'PENDING'], description: 'The outcome planned (before it is final; a transfer may still fail for funds).' }) plannedStatus!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When it turns (turned) final; null: never.' }) finalAt!: string | null;
}

export class TransactionList {
  @ApiProperty({ type: [TransactionView] }) data!: TransactionView[];
}

export class ApiUserView {
  @ApiProperty({ format: 'uuid' }) apiUser!: string;
  @ApiProperty({ enum: MOMO_SANDBOX_PRODUCTS, description: 'The product whose subscription key created it: the only one it works with.' }) product!: string;
  @ApiProperty({ example: 'localhost' }) providerCallbackHost!: string;
  @ApiProperty({ example: 'sandbox' }) targetEnvironment!: string;
  @ApiProperty({ description: 'Whether an API key was issued (the key itself is never shown again).' }) hasApiKey!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ApiUserList {
  @ApiProperty({ type: [ApiUserView] }) data!: ApiUserView[];
}

export class MomoSandboxSettingsView {
  @ApiProperty({ example: 3600 }) tokenLifetimeSeconds!: number;
  @ApiProperty({ example: 5 }) pendingSeconds!: number;
  @ApiProperty({ example: 25 }) delayedSeconds!: number;
  @ApiProperty({ example: null, nullable: true, type: Number }) ongoingSeconds!: number | null;
  @ApiProperty({ enum: ['string', 'object'] }) reasonFormat!: string;
  @ApiProperty({ example: 2000 }) callbackTimeoutMs!: number;
  @ApiProperty({ type: CallbackPolicyView }) callbacks!: CallbackPolicyView;
}
