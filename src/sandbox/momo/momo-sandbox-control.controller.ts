import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AppError } from '../../common/errors/app-error.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { MOMO_SANDBOX_PATH, MOMO_SANDBOX_PRODUCTS } from '../sandbox-accounts.js';
import {
  MomoSandboxAdvanceTimeDto,
  MomoSandboxAdvanceTimeView,
  ApiUserList,
  BalanceList,
  MomoSandboxBalanceView,
  CallbackPolicyDto,
  CallbackPolicyView,
  MomoSandboxFailNextDto,
  MomoSandboxFailNextView,
  ForceOutcomeDto,
  ForcedOutcomeView,
  MomoSandboxJournalView,
  RequestsQuery,
  SetBalanceDto,
  MomoSandboxSettingsView,
  TransactionList,
  MomoSandboxUpdateSettingsDto,
} from './dto/momo-sandbox-control.dto.js';
import { MOMO_CURRENCY, MOMO_DEFAULT_CALLBACK_POLICY, MOMO_TARGET_ENVIRONMENT, type MomoOutcome, type MomoProduct } from './momo-sandbox.constants.js';
import { formatCents, parseAmountToCents } from './momo-sandbox.money.js';
import { MomoSandboxScheduler } from './momo-sandbox.scheduler.js';
import { MomoSandboxStore, withoutQuery } from './momo-sandbox.store.js';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} ${message}.`, { errors: [{ field, message }] });
}

/**
 * Test hooks of the MoMo emulator (not part of MoMo): move time, force outcomes and failures, steer
 * callbacks, set balances, read what the emulator received and holds. No authentication: it exists
 * only in sandbox mode. Errors are Gatehouse's problem+json.
 */
@ApiTags('Sandbox: MoMo')
@ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON')
@Controller(`${MOMO_SANDBOX_PATH.slice(1)}/__control`)
export class MomoSandboxControlController {
  constructor(
    private readonly store: MomoSandboxStore,
    private readonly scheduler: MomoSandboxScheduler,
  ) {}

  @Post('time/advance')
  @HttpCode(200)
  @ApiOperation({ summary: "Move the emulator's clock forward: due transactions turn final and their callbacks are sent before the answer" })
  @ApiOkResponse({ type: MomoSandboxAdvanceTimeView })
  async advanceTime(@Body() body: MomoSandboxAdvanceTimeDto): Promise<MomoSandboxAdvanceTimeView> {
    this.store.advanceClock(body.seconds);
    const callbacksSent = await this.scheduler.settle();
    return { now: iso(this.store.now()), callbacksSent };
  }

  @Post('outcomes')
  @HttpCode(200)
  @ApiOperation({ summary: 'Force the outcome of a transaction: by reference id, of the next one for an MSISDN, or of the next one' })
  @ApiOkResponse({ type: ForcedOutcomeView })
  @ApiProblems('CONFLICT')
  forceOutcome(@Body() body: ForceOutcomeDto): ForcedOutcomeView {
    if (body.referenceId !== undefined && body.msisdn !== undefined) throw invalid('msisdn', 'cannot be combined with referenceId');
    if (body.reason !== undefined && body.status !== 'FAILED') throw invalid('reason', 'is only for status FAILED');
    if (body.delaySeconds !== undefined && body.status === 'PENDING') throw invalid('delaySeconds', 'makes no sense with PENDING (never final)');
    const outcome: MomoOutcome = body.status === 'FAILED' ? { status: 'FAILED', reason: body.reason ?? 'INTERNAL_PROCESSING_ERROR' } : { status: body.status };
    const existing = body.referenceId === undefined ? undefined : this.store.findTransactionById(body.referenceId);
    if (existing) {
      if (existing.status !== 'PENDING') throw new AppError('CONFLICT', `Transaction ${existing.referenceId} is already ${existing.status}; a final state never changes.`);
      this.store.replan(existing, outcome, body.delaySeconds);
      this.scheduler.arm();
      return { appliedTo: 'transaction', queued: this.store.queuedOutcomes() };
    }
    this.store.armOutcome({ referenceId: body.referenceId, msisdn: body.msisdn, outcome, delaySeconds: body.delaySeconds });
    return { appliedTo: 'armed', queued: this.store.queuedOutcomes() };
  }

  @Post('callbacks')
  @HttpCode(200)
  @ApiOperation({ summary: 'Choose how callbacks of transactions turning final from now on are sent: deliver, drop, delay or duplicate' })
  @ApiOkResponse({ type: CallbackPolicyView })
  callbacks(@Body() body: CallbackPolicyDto): CallbackPolicyView {
    if (body.delaySeconds !== undefined && body.mode !== 'delay') throw invalid('delaySeconds', 'is only for mode delay');
    if (body.times !== undefined && body.mode !== 'duplicate') throw invalid('times', 'is only for mode duplicate');
    return this.store.setCallbackPolicy({
      mode: body.mode,
      delaySeconds: body.mode === 'delay' ? (body.delaySeconds ?? MOMO_DEFAULT_CALLBACK_POLICY.delaySeconds) : 0,
      times: body.mode === 'duplicate' ? (body.times ?? 2) : 1,
    });
  }

  @Get('balances')
  @ApiOperation({ summary: 'The account balance of each product' })
  @ApiOkResponse({ type: BalanceList })
  balances(): BalanceList {
    void this.scheduler.settle();
    return { data: MOMO_SANDBOX_PRODUCTS.map((product) => this.balanceView(product)) };
  }

  @Put('balances/:product')
  @ApiOperation({ summary: "Set a product's account balance (EUR)" })
  @ApiParam({ name: 'product', enum: MOMO_SANDBOX_PRODUCTS })
  @ApiOkResponse({ type: MomoSandboxBalanceView })
  @ApiProblems('NOT_FOUND')
  setBalance(@Param('product') product: string, @Body() body: SetBalanceDto): MomoSandboxBalanceView {
    if (!(MOMO_SANDBOX_PRODUCTS as readonly string[]).includes(product)) throw new AppError('NOT_FOUND', `No MoMo product is called ${product.slice(0, 50)}.`);
    const cents = parseAmountToCents(body.amount, { allowZero: true });
    if (cents === undefined) throw invalid('amount', 'is too large');
    void this.scheduler.settle(); // what was due moves money first; the new balance then stands as set
    this.store.setBalance(product as MomoProduct, cents);
    return this.balanceView(product as MomoProduct);
  }

  @Post('fail-next')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make the next call of an operation fail (an HTTP status), hang (delayMs) or drop its connection; before or after it takes effect' })
  @ApiOkResponse({ type: MomoSandboxFailNextView })
  failNext(@Body() body: MomoSandboxFailNextDto): MomoSandboxFailNextView {
    if (body.httpStatus === undefined && !body.drop && body.delayMs === undefined) throw invalid('httpStatus', 'is required unless drop or delayMs is given');
    if (body.httpStatus !== undefined && body.drop) throw invalid('drop', 'cannot be combined with httpStatus');
    if (body.httpStatus === undefined && (body.code !== undefined || body.message !== undefined)) throw invalid('code', 'and message need httpStatus');
    const queued = this.store.armFailure({ ...body });
    return { ...body, queued };
  }

  @Get('requests')
  @ApiOperation({ summary: 'The journal: wire requests received and callbacks sent (oldest first), without secrets, with counts by operation and product' })
  @ApiOkResponse({ type: MomoSandboxJournalView })
  requests(@Query() query: RequestsQuery): MomoSandboxJournalView {
    return { data: this.store.listRequests(query), ...this.store.countRequests() };
  }

  @Get('transactions')
  @ApiOperation({ summary: 'Every requesttopay and transfer (oldest first), with its status and planned outcome' })
  @ApiOkResponse({ type: TransactionList })
  transactions(): TransactionList {
    void this.scheduler.settle();
    return {
      data: this.store.listTransactions().map((t) => ({
        referenceId: t.referenceId,
        kind: t.kind,
        product: t.product,
        apiUser: t.apiUser,
        status: t.status,
        ...(t.reason ? { reason: t.reason } : {}),
        ...(t.financialTransactionId ? { financialTransactionId: t.financialTransactionId } : {}),
        amount: formatCents(t.amountCents),
        currency: t.currency,
        ...(t.externalId !== undefined ? { externalId: t.externalId } : {}),
        party: { ...t.party },
        ...(t.payerMessage !== undefined ? { payerMessage: t.payerMessage } : {}),
        ...(t.payeeNote !== undefined ? { payeeNote: t.payeeNote } : {}),
        ...(t.callbackUrl ? { callbackUrl: withoutQuery(t.callbackUrl) } : {}),
        outcomeSource: t.outcomeSource,
        plannedStatus: t.planned.status,
        createdAt: iso(t.createdAt),
        finalAt: t.finalAt === null ? null : iso(t.finalAt),
      })),
    };
  }

  @Get('apiusers')
  @ApiOperation({ summary: 'The provisioned API users (never their API keys)' })
  @ApiOkResponse({ type: ApiUserList })
  apiUsers(): ApiUserList {
    return {
      data: this.store.listApiUsers().map((u) => ({
        apiUser: u.apiUser,
        product: u.product,
        providerCallbackHost: u.providerCallbackHost,
        targetEnvironment: MOMO_TARGET_ENVIRONMENT,
        hasApiKey: u.apiKeyHashes.length > 0,
        createdAt: iso(u.createdAt),
      })),
    };
  }

  @Get('settings')
  @ApiOperation({ summary: 'Token lifetime, pending delays, reason format, callback timeout and callback mode in force' })
  @ApiOkResponse({ type: MomoSandboxSettingsView })
  settings(): MomoSandboxSettingsView {
    return { ...this.store.getSettings(), callbacks: this.store.getCallbackPolicy() };
  }

  @Patch('settings')
  @ApiOperation({ summary: 'Change the token lifetime (new tokens), pending delays (new transactions), reason format or callback timeout' })
  @ApiOkResponse({ type: MomoSandboxSettingsView })
  updateSettings(@Body() body: MomoSandboxUpdateSettingsDto): MomoSandboxSettingsView {
    this.store.updateSettings(body);
    return this.settings();
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Back to a fresh start: no API users, tokens or transactions; default settings, balances and callback mode; hooks and journal cleared; the real clock' })
  @ApiOkResponse({ description: '`{reset: true}`' })
  reset(): { reset: true } {
    this.scheduler.abandon();
    this.store.reset();
    return { reset: true };
  }

  private balanceView(product: MomoProduct): MomoSandboxBalanceView {
    return { product, availableBalance: formatCents(this.store.getBalance(product)), currency: MOMO_CURRENCY };
  }
}
