import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppError } from '../../common/errors/app-error.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { PACO_SANDBOX_PATH } from '../sandbox-accounts.js';
import {
  PacoSandboxAdvanceTimeDto,
  PacoSandboxAdvanceTimeView,
  PacoSandboxFailNextDto,
  PacoSandboxFailNextView,
  KeysView,
  MerchantView,
  NotificationPolicyDto,
  NotificationPolicyView,
  OutcomeDto,
  OutcomeView,
  RegisteredMerchantView,
  RegisterMerchantDto,
  RequestsQuery,
} from './dto/paco-sandbox-control.dto.js';
import { PACO_STATES } from './paco-sandbox.constants.js';
import { PacoSandboxApiService } from './paco-sandbox-api.service.js';
import { PacoSandboxKeys } from './paco-sandbox.keys.js';
import { PacoSandboxMerchants, view as merchantView } from './paco-sandbox.merchants.js';
import { formatAmountText } from './paco-sandbox.money.js';
import { PacoSandboxNotifier } from './paco-sandbox.notifier.js';
import { PacoSandboxStore, type JournalEntry } from './paco-sandbox.store.js';

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} ${message}.`, { errors: [{ field, message }] });
}

/**
 * Test hooks of the PACO emulator (not part of PACO): keys, failures, outcomes, notification mode,
 * time, journal, orders, reset. No authentication: it exists only in sandbox mode. Errors are
 * Gatehouse's problem+json.
 */
@ApiTags('Sandbox: PACO')
@ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON')
@Controller(`${PACO_SANDBOX_PATH.slice(1)}/__control`)
export class PacoSandboxControlController {
  constructor(
    private readonly store: PacoSandboxStore,
    private readonly keys: PacoSandboxKeys,
    private readonly notifier: PacoSandboxNotifier,
    private readonly api: PacoSandboxApiService,
    private readonly merchants: PacoSandboxMerchants,
  ) {}

  @Get('keys')
  @ApiOperation({ summary: "PACO's public signing and encryption keys (PEM and bare base64 DER) and key id; never a private key" })
  @ApiOkResponse({ type: KeysView })
  async publicKeys(): Promise<KeysView> {
    await this.keys.ready();
    return { ...this.keys.publicKeys(), generationMs: this.keys.generationMs ?? 0 };
  }

  @Post('merchants')
  @HttpCode(200)
  @ApiOperation({ summary: "Onboard a merchant: its token, office, Basic credentials and the public halves of its signing and encryption keys (a token registered again gets the new keys)" })
  @ApiOkResponse({ type: RegisteredMerchantView })
  @ApiProblems('CONFLICT')
  registerMerchant(@Body() body: RegisterMerchantDto): RegisteredMerchantView {
    const { merchant, replaced } = this.merchants.register(body, this.store.now());
    return { ...merchantView(merchant), replaced };
  }

  @Get('merchants')
  @ApiOperation({ summary: 'The registered merchants (never a token, password or key body)' })
  @ApiOkResponse({ description: '`{data: Merchant[]}`: tokenLast4, officeId, name, encryptionKeyId, key fingerprints, basic, plainJson, registeredAt' })
  listMerchants(): { data: MerchantView[] } {
    return { data: this.merchants.list() };
  }

  @Post('fail-next')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make the next call of an operation fail (HTTP status / response code), hang (delayMs) or drop its connection' })
  @ApiOkResponse({ type: PacoSandboxFailNextView })
  failNext(@Body() body: PacoSandboxFailNextDto): PacoSandboxFailNextView {
    if (body.httpStatus === undefined && body.responseCode === undefined && !body.drop && body.delayMs === undefined) {
      throw invalid('httpStatus', 'is required unless responseCode, drop or delayMs is given');
    }
    if (body.drop && (body.httpStatus !== undefined || body.responseCode !== undefined)) throw invalid('drop', 'cannot be combined with httpStatus or responseCode');
    return { ...body, queued: this.store.armFailure({ ...body }) };
  }

  @Post('outcomes')
  @HttpCode(200)
  @ApiOperation({ summary: 'Force a payment outcome: of an existing pending/3DS order now, or armed for an orderNo, a card number or the next payment' })
  @ApiOkResponse({ type: OutcomeView })
  @ApiProblems('CONFLICT')
  async outcomes(@Body() body: OutcomeDto): Promise<OutcomeView> {
    if (body.orderNo !== undefined && body.cardNumber !== undefined) throw invalid('cardNumber', 'cannot be combined with orderNo');
    const existing = body.orderNo === undefined ? [] : this.store.findByOrderNo(body.orderNo);
    if (existing.length > 0) {
      if (!this.api.resolve(existing[0]!, body.result)) {
        throw new AppError('CONFLICT', `Order ${body.orderNo} is already ${existing[0]!.state}; a final payment never changes.`);
      }
      await this.notifier.idle();
      return { appliedTo: 'order', queued: this.store.queuedOutcomes() };
    }
    this.store.armOutcome({ orderNo: body.orderNo, cardNumber: body.cardNumber, result: body.result });
    return { appliedTo: 'armed', queued: this.store.queuedOutcomes() };
  }

  @Post('notifications')
  @HttpCode(200)
  @ApiOperation({ summary: 'How backend notifications are sent from now on: deliver, drop, delay or duplicate' })
  @ApiOkResponse({ type: NotificationPolicyView })
  notifications(@Body() body: NotificationPolicyDto): NotificationPolicyView {
    if (body.delayMs !== undefined && body.mode !== 'delay') throw invalid('delayMs', 'is only for mode delay');
    if (body.times !== undefined && body.mode !== 'duplicate') throw invalid('times', 'is only for mode duplicate');
    return this.store.setPolicy({
      mode: body.mode,
      delayMs: body.mode === 'delay' ? (body.delayMs ?? 1000) : 0,
      times: body.mode === 'duplicate' ? (body.times ?? 2) : 1,
    });
  }

  @Post('time/advance')
  @HttpCode(200)
  @ApiOperation({ summary: "Move the emulator's clock forward: pending payments past their timeout fail, and are notified before the answer" })
  @ApiOkResponse({ type: PacoSandboxAdvanceTimeView })
  async advance(@Body() body: PacoSandboxAdvanceTimeDto): Promise<PacoSandboxAdvanceTimeView> {
    this.store.advance(body.seconds);
    const timedOut = await this.notifier.settle();
    await this.notifier.idle();
    return { now: new Date(this.store.now()).toISOString(), timedOut };
  }

  @Get('requests')
  @ApiOperation({ summary: 'The journal: wire requests received and notifications sent (oldest first), without secrets' })
  @ApiOkResponse({ description: '`{data: JournalEntry[]}`' })
  requests(@Query() query: RequestsQuery): { data: JournalEntry[] } {
    return { data: this.store.listRequests(query.operation) };
  }

  @Get('orders')
  @ApiOperation({ summary: 'Every order (oldest first) with its PACO status/step, amounts (amountText) and history' })
  @ApiOkResponse({ description: '`{data: Order[]}`' })
  async orders(): Promise<{ data: unknown[] }> {
    await this.notifier.settle();
    return {
      data: this.store.listOrders().map((o) => ({
        orderNo: o.orderNo,
        officeId: o.officeId,
        controllerInternalID: o.controllerInternalID,
        channel: o.channel,
        state: o.state,
        paymentStatus: PACO_STATES[o.state].status,
        paymentStep: PACO_STATES[o.state].step,
        currencyCode: o.amount.currency,
        decimalPlaces: o.amount.decimalPlaces,
        amountText: formatAmountText(o.amount.minor),
        settledAmountText: formatAmountText(o.settledMinor),
        refundedAmountText: formatAmountText(o.refundedMinor),
        ...(o.cardLast4 ? { cardLast4: o.cardLast4 } : {}),
        ...(o.planned ? { planned: o.planned } : {}),
        lastResponseCode: o.lastCode,
        hasBackendURL: o.urls.backendURL !== undefined,
        createdAt: new Date(o.createdAt).toISOString(),
        updatedAt: new Date(o.updatedAt).toISOString(),
        history: o.history.map((h) => ({ at: new Date(h.at).toISOString(), state: h.state })),
      })),
    };
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Back to a fresh start: no orders, replay memory, hooks or journal; deliver mode; the real clock (keys and registered merchants are kept)' })
  @ApiOkResponse({ description: '`{reset: true}`' })
  reset(): { reset: true } {
    this.notifier.abandon();
    this.store.reset();
    return { reset: true };
  }
}
