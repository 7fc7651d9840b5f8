import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppError } from '../../common/errors/app-error.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { uuidParam } from '../../common/validation/validation.pipe.js';
import { CurrentMerchant, RequireScopes } from '../../merchants/merchant-auth.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import { MerchantGuard } from '../../merchants/merchant.guard.js';
import type { Payment } from '../../payments/payment.entity.js';
import { PaymentView } from '../../payments/dto/payment.dto.js';
import { ConnectPayAisService } from './connectpay-ais.service.js';
import { ConnectPayPaymentsService, paymentOrderNoOf } from './connectpay-payments.service.js';
import { AccountsQuery, AccountsView, BalancesView, ConnectPayPaymentDto, TransactionPageView, TransactionsQuery } from './dto/connectpay.dto.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';

/** A ConnectPay account id in a path: opaque, but plain. */
function accountIdOf(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(value)) {
    throw new AppError('VALIDATION_FAILED', 'accountId is not a ConnectPay account id.', { errors: [{ field: 'accountId', message: 'must be 1-100 letters, digits, dot, underscore or hyphen' }] });
  }
  return value;
}

/** The unified payment view; while pending, the provider reference is ConnectPay's payment order number once known. */
function viewOf(p: Payment): PaymentView {
  return { ...PaymentView.of(p), providerReference: paymentOrderNoOf(p) };
}

@ApiTags('ConnectPay')
@ApiBearerAuth('merchant-key')
@ApiParam({ name: 'id', description: 'The consent id (provider connectpay).', format: 'uuid' })
@ApiProblems('UNAUTHENTICATED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE', 'VALIDATION_FAILED', 'NOT_FOUND', 'CONSENT_NOT_ACTIVE', 'CONSENT_SCOPE_MISSING', 'CONSENT_PSU_MISMATCH', 'PROVIDER_ERROR', 'PROVIDER_TIMEOUT')
@UseGuards(MerchantGuard)
@Controller('v1/connectpay/consents/:id')
export class ConnectPayController {
  constructor(
    private readonly ais: ConnectPayAisService,
    private readonly payments: ConnectPayPaymentsService,
  ) {}

  @Get('accounts')
  @RequireScopes('read')
  @ApiOperation({ summary: "The accounts of the consent's customer (psd2-ais), optionally with balances; names the person and customer the consent is bound to" })
  @ApiOkResponse({ type: AccountsView })
  accounts(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string, @Query() query: AccountsQuery): Promise<AccountsView> {
    return this.ais.accounts(merchant, id, query.withBalance === 'true');
  }

  @Get('accounts/:accountId/balances')
  @RequireScopes('read')
  @ApiOperation({ summary: 'Balances of one account of the consent’s customer (psd2-ais)' })
  @ApiOkResponse({ type: BalancesView })
  balances(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string, @Param('accountId') accountId: string): Promise<BalancesView> {
    return this.ais.balances(merchant, id, accountIdOf(accountId));
  }

  @Get('accounts/:accountId/transactions')
  @RequireScopes('read')
  @ApiOperation({ summary: 'Booked transactions of one account in a date range, paged (psd2-ais)' })
  @ApiOkResponse({ type: TransactionPageView })
  transactions(
    @CurrentMerchant() merchant: Merchant,
    @Param('id', uuidParam('id')) id: string,
    @Param('accountId') accountId: string,
    @Query() query: TransactionsQuery,
  ): Promise<TransactionPageView> {
    return this.ais.transactions(merchant, id, accountIdOf(accountId), query);
  }

  @Post('payments')
  @Idempotent()
  @RequireScopes('payments')
  @ApiOperation({ summary: "Initiate a payment from the PSU's account (psd2-pis); the reference makes it idempotent" })
  @ApiCreatedResponse({ type: PaymentView, description: 'Created now: pending (ConnectPay received it), or failed when ConnectPay rejected it at once' })
  @ApiOkResponse({ type: PaymentView, description: 'The reference was used before with the same request: the recorded payment, not sent again' })
  @ApiProblems('UNPROCESSABLE', 'MALFORMED_JSON', 'PROVIDER_REJECTED')
  async pay(
    @CurrentMerchant() merchant: Merchant,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: ConnectPayPaymentDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PaymentView> {
    const { payment, created } = await this.payments.create(merchant, id, body);
    res.status(created ? 201 : 200);
    return viewOf(payment);
  }

  @Get('payments/:paymentId')
  @RequireScopes('read')
  @ApiOperation({ summary: 'A payment initiated with this consent; while open, its status is read from ConnectPay' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems('PROVIDER_REJECTED')
  async payment(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string, @Param('paymentId', uuidParam('paymentId')) paymentId: string): Promise<PaymentView> {
    return viewOf(await this.payments.get(merchant, id, paymentId));
  }
}
