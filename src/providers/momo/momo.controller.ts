import { Body, Controller, Get, HttpCode, Param, ParseEnumPipe, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AppError } from '../../common/errors/app-error.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { uuidParam } from '../../common/validation/validation.pipe.js';
import { CurrentMerchant, RequireScopes } from '../../merchants/merchant-auth.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import { MerchantGuard } from '../../merchants/merchant.guard.js';
import { PaymentView } from '../../payments/dto/payment.dto.js';
import { MomoAccountHolderView, MomoBalanceView, MomoCollectionDto, MomoDisbursementDto } from './dto/momo.dto.js';
import { MomoAccountsService } from './momo-accounts.service.js';
import { MomoPaymentsService } from './momo-payments.service.js';
import { MOMO_PRODUCTS, type MomoProduct } from './momo.config.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';

const productPipe = new ParseEnumPipe(MOMO_PRODUCTS, {
  exceptionFactory: () => new AppError('VALIDATION_FAILED', 'Unknown MoMo product.', { errors: [{ field: 'product', message: `must be one of: ${MOMO_PRODUCTS.join(', ')}` }] }),
});

@ApiTags('MTN MoMo')
@ApiBearerAuth('merchant-key')
@ApiProblems('UNAUTHENTICATED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE', 'VALIDATION_FAILED', 'PROVIDER_ERROR', 'PROVIDER_TIMEOUT', 'SERVICE_UNAVAILABLE')
@UseGuards(MerchantGuard)
@Controller('v1/momo')
export class MomoController {
  constructor(
    private readonly payments: MomoPaymentsService,
    private readonly accounts: MomoAccountsService,
  ) {}

  @Post('collections')
  @Idempotent()
  @HttpCode(202)
  @RequireScopes('payments')
  @ApiOperation({ summary: 'Request a payment from a MoMo wallet (request to pay); the outcome arrives later' })
  @ApiAcceptedResponse({ type: PaymentView, description: 'pending until the payer approves; settled by callback or polling' })
  @ApiProblems('UNPROCESSABLE', 'MALFORMED_JSON')
  async collect(@CurrentMerchant() merchant: Merchant, @Body() body: MomoCollectionDto): Promise<PaymentView> {
    return PaymentView.of(await this.payments.create(merchant.id, 'collection', { reference: body.reference, amountMinor: body.amount.value, currency: body.amount.currency, msisdn: body.payer.msisdn, payerMessage: body.payerMessage, payeeNote: body.payeeNote }));
  }

  @Get('collections/:id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'A collection and its status' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems('NOT_FOUND')
  async collection(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<PaymentView> {
    return PaymentView.of(await this.payments.get(merchant.id, 'collection', id));
  }

  @Post('disbursements')
  @Idempotent()
  @HttpCode(202)
  @RequireScopes('payments')
  @ApiOperation({ summary: 'Pay out to a MoMo wallet (transfer); the outcome arrives later' })
  @ApiAcceptedResponse({ type: PaymentView })
  @ApiProblems('UNPROCESSABLE', 'MALFORMED_JSON')
  async disburse(@CurrentMerchant() merchant: Merchant, @Body() body: MomoDisbursementDto): Promise<PaymentView> {
    return PaymentView.of(await this.payments.create(merchant.id, 'disbursement', { reference: body.reference, amountMinor: body.amount.value, currency: body.amount.currency, msisdn: body.payee.msisdn, payerMessage: body.payerMessage, payeeNote: body.payeeNote }));
  }

  @Get('disbursements/:id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'A disbursement and its status' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems('NOT_FOUND')
  async disbursement(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<PaymentView> {
    return PaymentView.of(await this.payments.get(merchant.id, 'disbursement', id));
  }

  @Get('accountholders/:msisdn')
  @RequireScopes('read')
  @ApiOperation({ summary: 'Whether a number holds an active MoMo account (and its name, where MoMo shares it)' })
  @ApiOkResponse({ type: MomoAccountHolderView })
  accountHolder(@Param('msisdn') msisdn: string): Promise<MomoAccountHolderView> {
    if (!/^\+?[1-9][0-9]{6,14}$/.test(msisdn)) {
      throw new AppError('VALIDATION_FAILED', 'Not a phone number.', { errors: [{ field: 'msisdn', message: 'must be a phone number in international format' }] });
    }
    return this.accounts.accountHolder(msisdn);
  }

  @Get(':product/balance')
  @RequireScopes('read')
  @ApiParam({ name: 'product', enum: MOMO_PRODUCTS })
  @ApiOperation({ summary: "The merchant's MoMo account balance for a product" })
  @ApiOkResponse({ type: MomoBalanceView })
  balance(@Param('product', productPipe) product: MomoProduct): Promise<MomoBalanceView> {
    return this.accounts.balance(product);
  }
}
