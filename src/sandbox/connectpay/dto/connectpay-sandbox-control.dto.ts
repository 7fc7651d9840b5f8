import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import {
  CONNECTPAY_FAILABLE_OPERATIONS,
  CONNECTPAY_PAYMENT_STATUSES,
  CONNECTPAY_PSD2_SCOPES,
  type ConnectPayFailableOperation,
  type ConnectPayPaymentStatus,
  type ConnectPayScope,
} from '../connectpay-sandbox.constants.js';

const SCOPES = Object.keys(CONNECTPAY_PSD2_SCOPES) as ConnectPayScope[];

const OPERATIONS = ['authorize', 'token', 'revoke', 'accounts', 'account', 'balances', 'transactions', 'createPayment', 'payment', 'paymentStatus', 'unknown'] as const;

export class ConnectPaySandboxNextDecisionDto {
  @ApiProperty({ enum: ['approve', 'deny'] })
  @IsIn(['approve', 'deny'])
  decision!: 'approve' | 'deny';

  @ApiPropertyOptional({ example: 'jonas', description: 'Who approves: a personId or username (GET psus); default: the first person.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  person?: string;

  @ApiPropertyOptional({ example: 'CUS-2002', description: "Which of the person's customers is granted; default: the person's first customer." })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  customer?: string;

  @ApiPropertyOptional({
    enum: SCOPES,
    isArray: true,
    example: ['psd2-ais'],
    description: 'The scopes the person grants, of those the request asks for (default: all). Granting none of the requested ones ends as access_denied.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true })
  scopes?: ConnectPayScope[];
}

export class PsuFilterDto {
  @ApiPropertyOptional({ example: 'jonas', description: 'Only tokens of this person (personId or username).' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  person?: string;

  @ApiPropertyOptional({ example: 'CUS-2001', description: 'Only tokens bound to this customer.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  customer?: string;
}

export class ConnectPaySandboxFailNextDto {
  @ApiProperty({ enum: CONNECTPAY_FAILABLE_OPERATIONS })
  @IsIn(CONNECTPAY_FAILABLE_OPERATIONS)
  operation!: ConnectPayFailableOperation;

  @ApiPropertyOptional({ minimum: 400, maximum: 599, example: 503, description: 'Fail with this status and a ConnectPay-shaped error body. Without it, only delayMs applies.' })
  @IsOptional()
  @IsInt()
  @Min(400)
  @Max(599)
  httpStatus?: number;

  @ApiPropertyOptional({ example: 'Service temporarily unavailable', maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  errorMessage?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 60000, example: 2000, description: 'Wait this long before answering.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  delayMs?: number;

  @ApiPropertyOptional({
    description: 'token only: carry out the grant first (the code or refresh token is spent, new tokens exist), then answer with httpStatus: the lost-response case of spec 2.6.',
  })
  @IsOptional()
  @IsBoolean()
  afterConsume?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 20, default: 1, description: 'How many calls in a row fail (a client that retries reads sees them all).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  times?: number;
}

export class ConnectPaySandboxAdvanceTimeDto {
  @ApiProperty({ minimum: 1, example: 86401, description: "Move the emulator's clock forward (expiry of codes and tokens, payment progress)." })
  @IsInt()
  @Min(1)
  @Max(10 * 365 * 24 * 3600)
  seconds!: number;
}

export class MovePaymentDto {
  @ApiProperty({ enum: CONNECTPAY_PAYMENT_STATUSES, description: 'RCVD → ACTC | RJCT | CANC; ACTC → ACSC | RJCT | CANC. ACSC books the money.' })
  @IsIn(CONNECTPAY_PAYMENT_STATUSES)
  status!: ConnectPayPaymentStatus;

  @ApiPropertyOptional({ example: 'AC04', description: 'ISO 20022 reason code (RJCT defaults to NARR).' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z0-9]{4}$/, { message: 'reasonCode must be 4 upper-case letters or digits' })
  reasonCode?: string;
}

export class ConnectPaySandboxUpdateSettingsDto {
  @ApiPropertyOptional({ description: 'Send person_id and customer_id in token responses (emulator-defined; off: learn the PSU from GET /ob/accounts).' })
  @IsOptional()
  @IsBoolean()
  includePsuIdsInTokenResponse?: boolean;

  @ApiPropertyOptional({ description: 'Payments move RCVD → ACTC → ACSC by themselves on the emulator clock.' })
  @IsOptional()
  @IsBoolean()
  autoProgressPayments?: boolean;
}

export class RequestsQuery {
  @ApiPropertyOptional({ enum: OPERATIONS })
  @IsOptional()
  @IsIn(OPERATIONS)
  operation?: string;
}

// ---- views ----

export class CountView {
  @ApiProperty({ example: 1 }) count!: number;
}

export class ConnectPaySandboxSettingsView {
  @ApiProperty() includePsuIdsInTokenResponse!: boolean;
  @ApiProperty() autoProgressPayments!: boolean;
}

export class JournalEntryView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'POST' }) method!: string;
  @ApiProperty({ example: '/sandbox/connectpay/auth/v1/oauth2/token', description: 'The path; query values are never kept.' }) path!: string;
  @ApiProperty({ type: [String], example: ['client_id', 'flowid', 'nonce'] }) queryKeys!: string[];
  @ApiProperty({ enum: OPERATIONS }) operation!: string;
  @ApiProperty({ example: 200 }) status!: number;
  @ApiProperty({ example: 3 }) durationMs!: number;
  @ApiPropertyOptional({ description: 'The X-Request-ID sent.' }) requestId?: string;
  @ApiPropertyOptional() clientId?: string;
  @ApiPropertyOptional({ example: 'authorization_code' }) grantType?: string;
  @ApiPropertyOptional({ example: 'PRS-1001' }) personId?: string;
  @ApiPropertyOptional({ example: 'CUS-2001' }) customerId?: string;
  @ApiPropertyOptional({ example: '3f9a0c1d2e4b5a6c', description: 'First 16 hex chars of SHA-256 of the access token presented or issued.' }) tokenHash?: string;
  @ApiPropertyOptional({ example: 'ACCESS_FORBIDDEN', description: 'The `code` of a resource-API error.' }) errorCode?: string;
}

export class ConnectPaySandboxJournalView {
  @ApiProperty({ type: [JournalEntryView] }) data!: JournalEntryView[];
  @ApiProperty({ example: { token: 2, accounts: 1 }, description: 'Requests by operation (all kept requests).' }) counts!: Record<string, number>;
}

export class MoneyView {
  @ApiProperty({ example: '2450.75', description: 'A decimal string, never a number.' }) value!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
}

export class PsuAccountView {
  @ApiProperty() accountId!: string;
  @ApiProperty({ example: 'LT443990000000010001' }) iban!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: MoneyView }) balance!: MoneyView;
}

export class PsuCustomerView {
  @ApiProperty({ example: 'CUS-2001' }) customerId!: string;
  @ApiProperty({ enum: ['PRIVATE', 'BUSINESS'] }) type!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [PsuAccountView] }) accounts!: PsuAccountView[];
}

export class PsuPersonView {
  @ApiProperty({ example: 'PRS-1001' }) personId!: string;
  @ApiProperty({ example: 'jonas' }) username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: [PsuCustomerView], description: 'The customers this person may grant; each (person, customer) pair is one PSU.' }) customers!: PsuCustomerView[];
}

export class PsuList {
  @ApiProperty({ type: [PsuPersonView] }) data!: PsuPersonView[];
  @ApiProperty({ example: 'sandbox-pass-1', description: 'The password of every test person.' }) password!: string;
}

export class ConnectPaySandboxPaymentView {
  @ApiProperty({ example: 'PO20261115000001' }) paymentOrderNo!: string;
  @ApiProperty({ enum: CONNECTPAY_PAYMENT_STATUSES }) status!: string;
  @ApiPropertyOptional({ example: 'AM04' }) reasonCode?: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() personId!: string;
  @ApiProperty() debtorIban!: string;
  @ApiProperty() creditorIban!: string;
  @ApiProperty() creditorName!: string;
  @ApiProperty({ type: MoneyView }) amount!: MoneyView;
  @ApiProperty({ description: 'false once moved by the control API.' }) autoProgress!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) statusChangedAt!: string;
}

export class PaymentList {
  @ApiProperty({ type: [ConnectPaySandboxPaymentView] }) data!: ConnectPaySandboxPaymentView[];
}
