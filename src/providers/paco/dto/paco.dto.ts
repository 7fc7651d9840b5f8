import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { MoneyDto, PaymentView } from '../../../payments/dto/payment.dto.js';
import type { Payment } from '../../../payments/payment.entity.js';
import type { PacoOrder } from '../paco-order.entity.js';
import type { PacoOrderListing } from '../paco-orders.store.js';
import type { PacoOrderInfo } from '../paco.mapper.js';

export const ORDER_NO = /^[A-Za-z0-9._-]{1,64}$/;

class PacoPaymentBase {
  @ApiProperty({ example: 'order-1001', description: 'Your order number: unique per merchant, the idempotency key. PACO gets an order number of its own (`pacoOrderNo`).' })
  @Matches(ORDER_NO, { message: 'must be 1-64 letters, digits, dot, underscore or hyphen' })
  orderNo!: string;

  @ApiProperty({ type: MoneyDto, description: 'Integer minor units (satang for THB) and an ISO 4217 code PACO takes.' })
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  @ApiProperty({ example: 'Concert ticket', description: "PACO's productDescription, shown on the payment page." })
  @IsString()
  @MinLength(1)
  @MaxLength(250)
  description!: string;
}

export class PacoHostedPaymentDto extends PacoPaymentBase {
  @ApiProperty({ example: 'https://shop.example/paid', description: "Where the payer's browser returns after PACO's page, with `orderNo` and `status`; one of your allowed return URLs." })
  @IsString()
  @MaxLength(2000)
  returnUrl!: string;
}

export class PacoCardDto {
  @ApiProperty({ example: '4111111111111111', description: 'The card number (digits only). Sent to PACO, never stored or logged.' })
  @Matches(/^\d{12,19}$/, { message: 'must be 12-19 digits' })
  number!: string;

  @ApiProperty({ example: '1229', description: 'Expiry as MMYY.' })
  @Matches(/^(0[1-9]|1[0-2])\d{2}$/, { message: 'must be MMYY' })
  expiryMMYY!: string;

  @ApiProperty({ example: '123' })
  @Matches(/^\d{3,4}$/, { message: 'must be 3 or 4 digits' })
  cvv!: string;

  @ApiPropertyOptional({ example: 'Somchai Jaidee' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  holderName?: string;
}

export class PacoDirectPaymentDto extends PacoPaymentBase {
  @ApiProperty({ type: PacoCardDto })
  @ValidateNested()
  @Type(() => PacoCardDto)
  card!: PacoCardDto;
}

export class PacoAmountDto {
  @ApiPropertyOptional({ type: MoneyDto, description: 'Part of the amount; default: all of it (settlement: the authorised amount; refund: the settled amount).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount?: MoneyDto;
}

export class PacoTransactionsQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Payments created at or after this time.' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Payments created at or before this time.' })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({ description: 'One order number of yours.' })
  @IsOptional()
  @Matches(ORDER_NO)
  orderNo?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

class PacoFactsView {
  @ApiProperty({ nullable: true, type: String, example: 'A', description: 'PaymentStatus: A authorised, S settled, V voided, R refunded, F failed, I 3-D Secure, P pending, PCPS page generated.' })
  paymentStatus!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'PA' })
  paymentStep!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'PC-B050000' })
  responseCode!: string | null;

  @ApiProperty({ nullable: true, type: String })
  approvalCode!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '1111' })
  cardLast4!: string | null;
}

export class PacoPaymentView extends PaymentView {
  @ApiProperty({ example: 'order-1001', description: 'Your order number (the same as reference).' })
  orderNo!: string;

  @ApiProperty({ example: 'GH3K9QZ0M4T7V1B8C2D5', description: "PACO's order number for this payment." })
  pacoOrderNo!: string;

  @ApiProperty({ enum: ['hosted', 'direct'] })
  channel!: 'hosted' | 'direct';

  @ApiProperty({ description: 'Settled (captured) at PACO. An authorised card payment is `succeeded` with captured=false until it is settled.' })
  captured!: boolean;

  @ApiProperty({ type: MoneyDto, nullable: true })
  capturedAmount!: MoneyDto | null;

  @ApiProperty({ type: MoneyDto, nullable: true })
  refundedAmount!: MoneyDto | null;

  @ApiProperty({ type: PacoFactsView })
  paco!: PacoFactsView;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(payment: Payment, order: PacoOrder): PacoPaymentView {
    const money = (value: number) => (value > 0 ? { value, currency: payment.currency } : null);
    const nextUrl = order.channel === 'hosted' ? order.paymentPageUrl : order.challengeUrl;
    return {
      ...PaymentView.of(payment),
      orderNo: payment.reference,
      pacoOrderNo: order.orderNo,
      channel: order.channel,
      captured: order.capturedMinor > 0,
      capturedAmount: money(order.capturedMinor),
      refundedAmount: money(order.refundedMinor),
      ...(payment.status === 'requires_action' && nextUrl ? { nextAction: { type: 'redirect' as const, redirectUrl: nextUrl, expiresAt: order.channel === 'hosted' ? (order.pageValidUntil?.toISOString() ?? null) : null } } : {}),
      paco: { paymentStatus: order.pacoStatus, paymentStep: order.pacoStep, responseCode: order.responseCode, approvalCode: order.approvalCode, cardLast4: order.cardLast4 },
      updatedAt: payment.updatedAt.toISOString(),
    };
  }
}

export class PacoTransactionView {
  @ApiProperty({ example: 'order-1001' })
  orderNo!: string;

  @ApiProperty()
  pacoOrderNo!: string;

  @ApiProperty({ enum: ['pending', 'requires_action', 'succeeded', 'failed', 'canceled', 'refunded'], description: "PACO's status in Gatehouse's terms" })
  status!: string;

  @ApiProperty({ enum: ['pending', 'requires_action', 'succeeded', 'failed', 'canceled', 'refunded'], description: "The payment's status in Gatehouse's ledger" })
  ledgerStatus!: string;

  @ApiProperty({ description: 'PACO reported the order (false: PACO has no such order).' })
  found!: boolean;

  @ApiProperty({ nullable: true, type: String })
  paymentStatus!: string | null;

  @ApiProperty({ nullable: true, type: String })
  paymentStep!: string | null;

  @ApiProperty({ type: MoneyDto })
  amount!: MoneyDto;

  @ApiProperty({ type: MoneyDto, nullable: true })
  capturedAmount!: MoneyDto | null;

  @ApiProperty({ type: MoneyDto, nullable: true })
  refundedAmount!: MoneyDto | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static from(listing: PacoOrderListing, info: PacoOrderInfo | undefined): PacoTransactionView {
    const money = (value: number) => (value > 0 ? { value, currency: listing.currency } : null);
    return {
      orderNo: listing.reference,
      pacoOrderNo: listing.order.orderNo,
      status: info ? info.mapped.status : listing.status,
      ledgerStatus: listing.status,
      found: info !== undefined,
      paymentStatus: info?.paymentStatus ?? null,
      paymentStep: info?.paymentStep ?? null,
      amount: { value: listing.amountMinor, currency: listing.currency },
      capturedAmount: money(info?.settledMinor ?? 0),
      refundedAmount: money(info?.refundedMinor ?? 0),
      createdAt: listing.order.createdAt.toISOString(),
    };
  }
}

export class PacoTransactionsView {
  @ApiProperty({ type: [PacoTransactionView] })
  data!: PacoTransactionView[];
}
