import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { PACO_JOURNAL_OPERATIONS, PACO_NOTIFICATION_MODES, PACO_OPERATIONS, PACO_RESULTS, type PacoNotificationMode, type PacoOperation, type PacoResult } from '../paco-sandbox.constants.js';

/** Optional, but not nullable: a `null` is validated (and refused). */
const Optional = () => ValidateIf((_object, value) => value !== undefined);

export class PacoSandboxFailNextDto {
  @ApiProperty({ enum: PACO_OPERATIONS, description: 'The wire operation whose next call is affected.' })
  @IsIn(PACO_OPERATIONS)
  operation!: PacoOperation;

  @ApiPropertyOptional({ minimum: 400, maximum: 599, example: 503, description: 'Answer with this HTTP status and a plain-JSON `apiResponse` (before authentication).' })
  @Optional()
  @IsInt()
  @Min(400)
  @Max(599)
  httpStatus?: number;

  @ApiPropertyOptional({ example: 'PC-B054001', description: 'With httpStatus: the code in the plain-JSON error. Alone: a normal sealed 200 reply carrying this ResponseCode (nothing changes).' })
  @Optional()
  @IsString()
  @Matches(/^[A-Z]{2}-[A-Z0-9]{7}$/, { message: 'responseCode must look like PC-B054001' })
  responseCode?: string;

  @ApiPropertyOptional({ description: 'Close the connection without an answer (nothing changes).' })
  @Optional()
  @IsBoolean()
  drop?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 120000, example: 3000, description: 'Wait this long (real ms) first; alone: then answer normally.' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(120_000)
  delayMs?: number;
}

export class PacoSandboxFailNextView extends PacoSandboxFailNextDto {
  @ApiProperty({ description: 'Failures now queued (all operations).' })
  queued!: number;
}

export class OutcomeDto {
  @ApiPropertyOptional({ example: 'ORD-1001', description: 'That order: resolved now if it is pending or in its 3-D Secure step, otherwise armed for its payment.' })
  @Optional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,20}$/, { message: 'orderNo must be 1-20 letters, digits, - or _' })
  orderNo?: string;

  @ApiPropertyOptional({ example: '4111111111111111', description: 'The next payment with this card number.' })
  @Optional()
  @IsString()
  @Matches(/^\d{12,19}$/, { message: 'cardNumber must be 12-19 digits' })
  cardNumber?: string;

  @ApiProperty({ enum: PACO_RESULTS, description: 'approve → A/PA, decline → F, 3ds → I (challenge page), pending → P/PR (times out to F).' })
  @IsIn(PACO_RESULTS)
  result!: PacoResult;
}

export class OutcomeView {
  @ApiProperty({ enum: ['order', 'armed'] })
  appliedTo!: 'order' | 'armed';

  @ApiProperty()
  queued!: number;
}

export class NotificationPolicyDto {
  @ApiProperty({ enum: PACO_NOTIFICATION_MODES, description: 'deliver: once. drop: never sent (journaled). delay: sent after delayMs. duplicate: sent `times` times.' })
  @IsIn(PACO_NOTIFICATION_MODES)
  mode!: PacoNotificationMode;

  @ApiPropertyOptional({ minimum: 0, maximum: 600000, example: 2000, description: 'mode delay: real milliseconds; default 1000.' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  delayMs?: number;

  @ApiPropertyOptional({ minimum: 2, maximum: 10, example: 2, description: 'mode duplicate: copies; default 2.' })
  @Optional()
  @IsInt()
  @Min(2)
  @Max(10)
  times?: number;
}

export class NotificationPolicyView {
  @ApiProperty({ enum: PACO_NOTIFICATION_MODES })
  mode!: PacoNotificationMode;

  @ApiProperty()
  delayMs!: number;

  @ApiProperty()
  times!: number;
}

export class PacoSandboxAdvanceTimeDto {
  @ApiProperty({ minimum: 0, example: 120, description: "Move the emulator's clock forward (seconds); pending payments past their timeout fail and are notified before the answer." })
  @IsInt()
  @Min(0)
  @Max(3650 * 24 * 3600)
  seconds!: number;
}

export class PacoSandboxAdvanceTimeView {
  @ApiProperty({ format: 'date-time' })
  now!: string;

  @ApiProperty({ description: 'Pending payments that timed out.' })
  timedOut!: number;
}

export class RequestsQuery {
  @ApiPropertyOptional({ enum: PACO_JOURNAL_OPERATIONS })
  @Optional()
  @IsIn(PACO_JOURNAL_OPERATIONS)
  operation?: string;
}

export class PublicKeyView {
  @ApiProperty({ description: 'SPKI PEM' })
  pem!: string;

  @ApiProperty({ description: 'The bare base64 DER body, as 2C2P’s portal shows it' })
  base64Der!: string;
}

export class KeysView {
  @ApiProperty({ description: "PACO's EncryptionKeyId: the JWE kid of requests" })
  kid!: string;

  @ApiProperty()
  bits!: number;

  @ApiProperty({ type: PublicKeyView, description: "PACO's signing public key (verify responses)" })
  signing!: PublicKeyView;

  @ApiProperty({ type: PublicKeyView, description: "PACO's encryption public key (encrypt requests)" })
  encryption!: PublicKeyView;

  @ApiProperty({ description: 'How long key generation took at start-up (ms)' })
  generationMs!: number;
}

export class BasicCredentialsDto {
  @ApiProperty({ example: 'gatehouse-sbx' })
  @IsString()
  @Matches(/^[^:\s]{1,100}$/, { message: 'username must be 1-100 characters without colon or spaces' })
  username!: string;

  @ApiProperty({ example: 'sbx_Pc0Kq7vR2mXw9LzT' })
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  password!: string;
}

export class RegisterMerchantDto {
  @ApiProperty({ description: "The merchant's access token (the `token` header, the JWT iss; the aud of PACO's answers).", example: '65805a16c0b64f0e9d6b3f1f2ad7cbe4' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,128}$/, { message: 'token must be 16-128 letters, digits, _ or -' })
  token!: string;

  @ApiProperty({ example: 'GATEHOUSE01', description: "The merchant's office (officeId in requests); one office belongs to one merchant." })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,20}$/, { message: 'officeId must be 1-20 letters, digits, _ or -' })
  officeId!: string;

  @ApiPropertyOptional({ example: 'Gatehouse Sandbox' })
  @Optional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiProperty({ description: "The merchant's signing public key (PEM or bare base64 DER, RSA ≥ 2048): verifies its requests." })
  @IsString()
  @MaxLength(10_000)
  signingPublicKey!: string;

  @ApiProperty({ description: "The merchant's encryption public key (PEM or bare base64 DER, RSA ≥ 2048): PACO encrypts answers and notifications to it." })
  @IsString()
  @MaxLength(10_000)
  encryptionPublicKey!: string;

  @ApiPropertyOptional({ description: 'The kid PACO writes into its answers’ JWE header; default: 32 hex derived from the key.', example: 'c4e81b7a02d94f5e8a3b6c1d9e0f2a47' })
  @Optional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'encryptionKeyId must be 1-64 letters, digits, ., _ or -' })
  encryptionKeyId?: string;

  @ApiPropertyOptional({ type: BasicCredentialsDto, description: 'Basic credentials; when set, a request that sends Basic must send these.' })
  @Optional()
  @ValidateNested()
  @Type(() => BasicCredentialsDto)
  basic?: BasicCredentialsDto;

  @ApiPropertyOptional({ description: 'Allow plain-JSON requests and answers instead of JOSE (a whitelisted non-PROD merchant). Default false.' })
  @Optional()
  @IsBoolean()
  plainJson?: boolean;
}

export class MerchantView {
  @ApiProperty({ description: 'The last 4 characters of the token (the token itself is never shown).' })
  tokenLast4!: string;

  @ApiProperty()
  officeId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: 'The kid of the merchant’s encryption key in PACO’s answers' })
  encryptionKeyId!: string;

  @ApiProperty({ example: 'sha256:0123456789abcdef' })
  signingKeyFingerprint!: string;

  @ApiProperty({ example: 'sha256:0123456789abcdef' })
  encryptionKeyFingerprint!: string;

  @ApiProperty({ description: 'Basic credentials are registered' })
  basic!: boolean;

  @ApiProperty()
  plainJson!: boolean;

  @ApiProperty({ format: 'date-time' })
  registeredAt!: string;
}

export class RegisteredMerchantView extends MerchantView {
  @ApiProperty({ description: 'The token was registered before; its keys were replaced.' })
  replaced!: boolean;
}
