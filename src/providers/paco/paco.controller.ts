import { Body, Controller, Get, HttpCode, Param, type PipeTransform, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AppError } from '../../common/errors/app-error.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { CurrentMerchant, RequireScopes } from '../../merchants/merchant-auth.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import { MerchantGuard } from '../../merchants/merchant.guard.js';
import { ORDER_NO, PacoAmountDto, PacoDirectPaymentDto, PacoHostedPaymentDto, PacoPaymentView, PacoTransactionsQuery, PacoTransactionsView, PacoTransactionView } from './dto/paco.dto.js';
import { PacoActionsService } from './paco-actions.service.js';
import { PacoPaymentsService } from './paco-payments.service.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';

/** `:orderNo` is the merchant's order number: the same pattern as in the bodies. */
const orderNoPipe: PipeTransform<string, string> = {
  transform(value: string) {
    if (!ORDER_NO.test(value)) throw new AppError('VALIDATION_FAILED', 'orderNo is not valid.', { errors: [{ field: 'orderNo', message: 'must be 1-64 letters, digits, dot, underscore or hyphen' }] });
    return value;
  },
};

@ApiTags('2C2P PACO')
@ApiBearerAuth('merchant-key')
@ApiProblems('UNAUTHENTICATED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE', 'VALIDATION_FAILED', 'PROVIDER_ERROR', 'PROVIDER_TIMEOUT', 'SERVICE_UNAVAILABLE')
@UseGuards(MerchantGuard)
@Controller('v1/paco')
export class PacoController {
  constructor(
    private readonly payments: PacoPaymentsService,
    private readonly actions: PacoActionsService,
  ) {}

  @Post('payments')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiOperation({ summary: "Start a card payment on PACO's hosted page: answers requires_action with the page URL (nextAction); the orderNo makes it idempotent" })
  @ApiOkResponse({ type: PacoPaymentView })
  @ApiProblems('UNPROCESSABLE', 'MALFORMED_JSON')
  async hosted(@CurrentMerchant() merchant: Merchant, @Body() body: PacoHostedPaymentDto): Promise<PacoPaymentView> {
    const { payment, order } = await this.payments.create(merchant, { channel: 'hosted', orderNo: body.orderNo, amountMinor: body.amount.value, currency: body.amount.currency, description: body.description, returnUrl: body.returnUrl });
    return PacoPaymentView.from(payment, order);
  }

  @Post('payments/direct')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiOperation({ summary: 'Pay with card details server to server (PACO nonUi): succeeded (authorised), failed, requires_action (3-D Secure) or pending' })
  @ApiOkResponse({ type: PacoPaymentView })
  @ApiProblems('UNPROCESSABLE', 'MALFORMED_JSON')
  async direct(@CurrentMerchant() merchant: Merchant, @Body() body: PacoDirectPaymentDto): Promise<PacoPaymentView> {
    const { payment, order } = await this.payments.create(merchant, {
      channel: 'direct',
      orderNo: body.orderNo,
      amountMinor: body.amount.value,
      currency: body.amount.currency,
      description: body.description,
      card: { number: body.card.number, expiryMMYY: body.card.expiryMMYY, cvv: body.card.cvv, holderName: body.card.holderName },
    });
    return PacoPaymentView.from(payment, order);
  }

  @Get('payments/:orderNo')
  @RequireScopes('read')
  @ApiParam({ name: 'orderNo', description: 'Your order number' })
  @ApiOperation({ summary: 'A payment, refreshed from PACO (transactionStatus) while it can still change' })
  @ApiOkResponse({ type: PacoPaymentView })
  @ApiProblems('NOT_FOUND')
  async get(@CurrentMerchant() merchant: Merchant, @Param('orderNo', orderNoPipe) orderNo: string): Promise<PacoPaymentView> {
    const { payment, order } = await this.payments.get(merchant, orderNo);
    return PacoPaymentView.from(payment, order);
  }

  @Post('payments/:orderNo/void')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiParam({ name: 'orderNo', description: 'Your order number' })
  @ApiOperation({ summary: 'Void an authorised, unsettled payment (canceled); repeating it is harmless' })
  @ApiOkResponse({ type: PacoPaymentView })
  @ApiProblems('NOT_FOUND', 'CONFLICT', 'PROVIDER_REJECTED')
  async void(@CurrentMerchant() merchant: Merchant, @Param('orderNo', orderNoPipe) orderNo: string): Promise<PacoPaymentView> {
    const { payment, order } = await this.actions.void(merchant, orderNo);
    return PacoPaymentView.from(payment, order);
  }

  @Post('payments/:orderNo/settle')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiParam({ name: 'orderNo', description: 'Your order number' })
  @ApiOperation({ summary: 'Settle (capture) an authorised payment, in full or in part; it stays succeeded, now captured' })
  @ApiOkResponse({ type: PacoPaymentView })
  @ApiProblems('NOT_FOUND', 'CONFLICT', 'PROVIDER_REJECTED', 'MALFORMED_JSON')
  async settle(@CurrentMerchant() merchant: Merchant, @Param('orderNo', orderNoPipe) orderNo: string, @Body() body: PacoAmountDto): Promise<PacoPaymentView> {
    const { payment, order } = await this.actions.settle(merchant, orderNo, body.amount);
    return PacoPaymentView.from(payment, order);
  }

  @Post('payments/:orderNo/refund')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiParam({ name: 'orderNo', description: 'Your order number' })
  @ApiOperation({ summary: 'Refund a settled payment, in full (default) or in part, once (refunded)' })
  @ApiOkResponse({ type: PacoPaymentView })
  @ApiProblems('NOT_FOUND', 'CONFLICT', 'PROVIDER_REJECTED', 'MALFORMED_JSON')
  async refund(@CurrentMerchant() merchant: Merchant, @Param('orderNo', orderNoPipe) orderNo: string, @Body() body: PacoAmountDto): Promise<PacoPaymentView> {
    const { payment, order } = await this.actions.refund(merchant, orderNo, body.amount);
    return PacoPaymentView.from(payment, order);
  }

  @Get('transactions')
  @RequireScopes('read')
  @ApiOperation({ summary: 'Your PACO payments (newest first) with what PACO reports for them now (transactionList)' })
  @ApiOkResponse({ type: PacoTransactionsView })
  @ApiProblems('PROVIDER_REJECTED')
  async transactions(@CurrentMerchant() merchant: Merchant, @Query() query: PacoTransactionsQuery): Promise<PacoTransactionsView> {
    const rows = await this.payments.transactions(merchant, {
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      orderNo: query.orderNo,
      limit: query.limit ?? 50,
    });
    return { data: rows.map(({ listing, info }) => PacoTransactionView.from(listing, info)) };
  }
}
