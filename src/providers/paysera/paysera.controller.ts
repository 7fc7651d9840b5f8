import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { uuidParam } from '../../common/validation/validation.pipe.js';
import { CurrentMerchant, RequireScopes } from '../../merchants/merchant-auth.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import { MerchantGuard } from '../../merchants/merchant.guard.js';
import {
  PayseraAllowanceDto,
  PayseraAllowanceView,
  PayseraBalanceView,
  PayseraProfileView,
  PayseraReserveDto,
  PayseraTransactionDto,
  PayseraTransactionView,
} from './dto/paysera.dto.js';
import { PayseraAccountService } from './paysera-account.service.js';
import { PayseraAllowancesService } from './paysera-allowances.service.js';
import { PayseraTransactionsService } from './paysera-transactions.service.js';
import { allowanceView, transactionView } from './paysera.views.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';

const id = () => Param('id', uuidParam('id'));

@ApiTags('Paysera')
@ApiBearerAuth('merchant-key')
@ApiProblems('UNAUTHENTICATED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE', 'VALIDATION_FAILED', 'NOT_FOUND', 'PROVIDER_ERROR', 'PROVIDER_TIMEOUT', 'SERVICE_UNAVAILABLE')
@UseGuards(MerchantGuard)
@Controller('v1/paysera')
export class PayseraController {
  constructor(
    private readonly account: PayseraAccountService,
    private readonly transactions: PayseraTransactionsService,
    private readonly allowances: PayseraAllowancesService,
  ) {}

  @Get('consents/:id/user')
  @RequireScopes('read')
  @ApiOperation({ summary: "The user's Paysera profile (user/me; consent scope user_info)" })
  @ApiOkResponse({ type: PayseraProfileView })
  @ApiProblems('CONSENT_NOT_ACTIVE', 'CONSENT_SCOPE_MISSING')
  profile(@CurrentMerchant() merchant: Merchant, @id() consentId: string): Promise<PayseraProfileView> {
    return this.account.profile(merchant, consentId);
  }

  @Get('consents/:id/balance')
  @RequireScopes('read')
  @ApiOperation({ summary: "The user's wallet balance in cents per currency (consent scope balance or balance_offline)" })
  @ApiOkResponse({ type: PayseraBalanceView })
  @ApiProblems('CONSENT_NOT_ACTIVE', 'CONSENT_SCOPE_MISSING')
  balance(@CurrentMerchant() merchant: Merchant, @id() consentId: string): Promise<PayseraBalanceView> {
    return this.account.balance(merchant, consentId);
  }

  @Post('transactions')
  @Idempotent()
  @HttpCode(201)
  @RequireScopes('payments')
  @ApiOperation({ summary: 'Create a payment as a Paysera transaction; it waits for the payer (requires_action with nextAction.redirectUrl)' })
  @ApiCreatedResponse({ type: PayseraTransactionView, description: 'requires_action, or failed when Paysera refused it; the same reference returns the same payment' })
  @ApiProblems('UNPROCESSABLE', 'MALFORMED_JSON', 'CONSENT_NOT_ACTIVE')
  async create(@CurrentMerchant() merchant: Merchant, @Body() body: PayseraTransactionDto): Promise<PayseraTransactionView> {
    return transactionView(await this.transactions.create(merchant, body));
  }

  @Get('transactions/:id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'A Paysera payment and its status (read again from Paysera while it can change)' })
  @ApiOkResponse({ type: PayseraTransactionView })
  async get(@CurrentMerchant() merchant: Merchant, @id() paymentId: string): Promise<PayseraTransactionView> {
    return transactionView(await this.transactions.get(merchant, paymentId));
  }

  @Post('transactions/:id/reserve')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiOperation({ summary: "Accept the payment for its consent's user: with their token (initiate_transfers) or from their allowance; the funds are held" })
  @ApiOkResponse({ type: PayseraTransactionView })
  @ApiProblems('CONFLICT', 'CONSENT_NOT_ACTIVE', 'CONSENT_SCOPE_MISSING', 'PROVIDER_REJECTED', 'MALFORMED_JSON')
  async reserve(@CurrentMerchant() merchant: Merchant, @id() paymentId: string, @Body() body: PayseraReserveDto): Promise<PayseraTransactionView> {
    return transactionView(await this.transactions.reserve(merchant, paymentId, body));
  }

  @Post('transactions/:id/confirm')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiOperation({ summary: 'Confirm an accepted (reserved) payment: the money moves; succeeded' })
  @ApiOkResponse({ type: PayseraTransactionView })
  @ApiProblems('CONFLICT', 'PROVIDER_REJECTED')
  async confirm(@CurrentMerchant() merchant: Merchant, @id() paymentId: string): Promise<PayseraTransactionView> {
    return transactionView(await this.transactions.confirm(merchant, paymentId));
  }

  @Post('transactions/:id/revoke')
  @Idempotent()
  @HttpCode(200)
  @RequireScopes('payments')
  @ApiOperation({ summary: 'Revoke a payment that is not confirmed yet (a reservation is released); canceled' })
  @ApiOkResponse({ type: PayseraTransactionView })
  @ApiProblems('CONFLICT', 'PROVIDER_REJECTED')
  async revoke(@CurrentMerchant() merchant: Merchant, @id() paymentId: string): Promise<PayseraTransactionView> {
    return transactionView(await this.transactions.revoke(merchant, paymentId));
  }

  @Post('consents/:id/allowances')
  @Idempotent()
  @HttpCode(201)
  @RequireScopes('payments')
  @ApiOperation({ summary: "Ask for an allowance on the user's wallet (consent scope initiate_transfers); the reference makes it idempotent" })
  @ApiCreatedResponse({ type: PayseraAllowanceView, description: 'active, or failed when Paysera refused it' })
  @ApiProblems('UNPROCESSABLE', 'MALFORMED_JSON', 'CONSENT_NOT_ACTIVE', 'CONSENT_SCOPE_MISSING')
  async createAllowance(@CurrentMerchant() merchant: Merchant, @id() consentId: string, @Body() body: PayseraAllowanceDto): Promise<PayseraAllowanceView> {
    return allowanceView(await this.allowances.create(merchant, consentId, body));
  }

  @Get('allowances/:id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'An allowance and its status (read again from Paysera while it can change)' })
  @ApiOkResponse({ type: PayseraAllowanceView })
  async allowance(@CurrentMerchant() merchant: Merchant, @id() allowanceId: string): Promise<PayseraAllowanceView> {
    return allowanceView(await this.allowances.get(merchant, allowanceId));
  }

  @Delete('allowances/:id')
  @RequireScopes('payments')
  @ApiOperation({ summary: 'Cancel an allowance at Paysera' })
  @ApiOkResponse({ type: PayseraAllowanceView })
  @ApiProblems('CONFLICT', 'PROVIDER_REJECTED')
  async cancelAllowance(@CurrentMerchant() merchant: Merchant, @id() allowanceId: string): Promise<PayseraAllowanceView> {
    return allowanceView(await this.allowances.cancel(merchant, allowanceId));
  }
}
