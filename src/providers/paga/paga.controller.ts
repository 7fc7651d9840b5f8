import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { uuidParam } from '../../common/validation/validation.pipe.js';
import { CurrentMerchant, RequireScopes } from '../../merchants/merchant-auth.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import { MerchantGuard } from '../../merchants/merchant.guard.js';
import { PaymentView } from '../../payments/dto/payment.dto.js';
import { PagaBalanceView, PagaPaymentDto, PagaTransferDto, PagaUserView } from './dto/paga.dto.js';
import { PagaOperationsService } from './paga-operations.service.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';

@ApiTags('Paga Connect')
@ApiBearerAuth('merchant-key')
@ApiProblems('UNAUTHENTICATED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE', 'VALIDATION_FAILED', 'NOT_FOUND', 'CONSENT_NOT_ACTIVE', 'CONSENT_SCOPE_MISSING', 'PROVIDER_ERROR', 'PROVIDER_TIMEOUT')
@UseGuards(MerchantGuard)
@Controller('v1/paga/consents/:id')
export class PagaController {
  constructor(private readonly paga: PagaOperationsService) {}

  @Post('payments')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiOperation({ summary: "Charge the user's Paga wallet (merchant payment); the reference makes it idempotent" })
  @ApiOkResponse({ type: PaymentView, description: 'The payment: succeeded, or failed with the reason Paga gave' })
  @ApiProblems('UNPROCESSABLE', 'MALFORMED_JSON')
  async pay(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string, @Body() body: PagaPaymentDto): Promise<PaymentView> {
    return PaymentView.of(await this.paga.charge(merchant, id, body));
  }

  @Post('transfers')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiOperation({ summary: "Send money to a Paga user's phone number (money transfer); the reference makes it idempotent" })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems('UNPROCESSABLE', 'MALFORMED_JSON')
  async transfer(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string, @Body() body: PagaTransferDto): Promise<PaymentView> {
    return PaymentView.of(await this.paga.transfer(merchant, id, body));
  }

  @Get('user')
  @RequireScopes('read')
  @ApiOperation({ summary: "The user's details: only the user_data fields they granted" })
  @ApiOkResponse({ type: PagaUserView })
  @ApiProblems('PROVIDER_REJECTED')
  user(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<PagaUserView> {
    return this.paga.user(merchant, id);
  }

  @Get('balance')
  @RequireScopes('read')
  @ApiOperation({ summary: "The user's wallet balance (from user details' ACCOUNT_BALANCE by default; see README)" })
  @ApiOkResponse({ type: PagaBalanceView })
  @ApiProblems('PROVIDER_REJECTED')
  balance(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<PagaBalanceView> {
    return this.paga.balance(merchant, id);
  }
}
