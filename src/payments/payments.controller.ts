import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { decodeCursor, encodeCursor } from '../common/paging/cursor.js';
import { ApiProblems } from '../common/swagger/api-problems.decorator.js';
import { uuidParam } from '../common/validation/validation.pipe.js';
import { CurrentMerchant, RequireScopes } from '../merchants/merchant-auth.js';
import type { Merchant } from '../merchants/merchant.entity.js';
import { MerchantGuard } from '../merchants/merchant.guard.js';
import { PaymentView } from './dto/payment.dto.js';
import { CreatePaymentDto, ListPaymentsQuery, PaymentPage, ProvidersView, RefundPaymentDto } from './dto/unified-payment.dto.js';
import { PaymentsService } from './payments.service.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';

@ApiTags('Payments')
@ApiBearerAuth('merchant-key')
@ApiProblems('UNAUTHENTICATED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE', 'RATE_LIMITED')
@UseGuards(MerchantGuard)
@Controller('v1/payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @Idempotent()
  @RequireScopes('payments')
  @ApiOperation({ summary: 'Create a payment with any configured provider; one status vocabulary for all' })
  @ApiCreatedResponse({ type: PaymentView })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON', 'NOT_FOUND', 'UNPROCESSABLE', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE', 'VELOCITY_LIMIT_EXCEEDED', 'CONSENT_NOT_ACTIVE', 'CONSENT_SCOPE_MISSING', 'PROVIDER_REJECTED', 'PROVIDER_ERROR', 'PROVIDER_TIMEOUT', 'PROVIDER_UNAVAILABLE')
  async create(@CurrentMerchant() merchant: Merchant, @Body() body: CreatePaymentDto): Promise<PaymentView> {
    const { provider, ...request } = body;
    return PaymentView.of(await this.payments.create(merchant, provider, request));
  }

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "The merchant's payments of every provider, oldest first, filtered and paged" })
  @ApiOkResponse({ type: PaymentPage })
  @ApiProblems('VALIDATION_FAILED')
  async list(@CurrentMerchant() merchant: Merchant, @Query() query: ListPaymentsQuery): Promise<PaymentPage> {
    const rows = await this.payments.list(merchant.id, { ...query, afterId: query.cursor ? decodeCursor(query.cursor) : undefined });
    const last = rows.at(-1);
    return { data: rows.map((p) => PaymentView.of(p)), nextCursor: rows.length === query.limit && last ? encodeCursor(last.id) : null };
  }

  @Get('providers')
  @RequireScopes('read')
  @ApiOperation({ summary: 'The providers this Gatehouse can take payments with' })
  @ApiOkResponse({ type: ProvidersView })
  providers(): ProvidersView {
    return { providers: this.payments.providers() };
  }

  @Get(':id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'One payment, with its status history' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async get(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<PaymentView> {
    const payment = await this.payments.get(merchant.id, id);
    return PaymentView.of(payment, await this.payments.history(payment.id));
  }

  @Post(':id/refund')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiOperation({ summary: 'Refund a succeeded payment, in full or in part, where the provider can' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'PROVIDER_OPERATION_UNSUPPORTED', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE', 'PROVIDER_REJECTED', 'PROVIDER_ERROR', 'PROVIDER_TIMEOUT', 'PROVIDER_UNAVAILABLE')
  async refund(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string, @Body() body: RefundPaymentDto): Promise<PaymentView> {
    return PaymentView.of(await this.payments.refund(merchant, id, body.amount));
  }

  @Post(':id/cancel')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiOperation({ summary: 'Cancel a payment before the money moves for good (a void), where the provider can' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'PROVIDER_OPERATION_UNSUPPORTED', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE', 'PROVIDER_REJECTED', 'PROVIDER_ERROR', 'PROVIDER_TIMEOUT', 'PROVIDER_UNAVAILABLE')
  async cancel(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<PaymentView> {
    return PaymentView.of(await this.payments.cancel(merchant, id));
  }
}
