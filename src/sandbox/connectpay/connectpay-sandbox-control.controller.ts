import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppError } from '../../common/errors/app-error.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { CONNECTPAY_SANDBOX_PASSWORD, CONNECTPAY_SANDBOX_PATH } from '../sandbox-accounts.js';
import {
  ConnectPaySandboxAdvanceTimeDto,
  CountView,
  ConnectPaySandboxFailNextDto,
  ConnectPaySandboxJournalView,
  MovePaymentDto,
  ConnectPaySandboxNextDecisionDto,
  PaymentList,
  ConnectPaySandboxPaymentView,
  PsuFilterDto,
  PsuList,
  RequestsQuery,
  ConnectPaySandboxSettingsView,
  ConnectPaySandboxUpdateSettingsDto,
} from './dto/connectpay-sandbox-control.dto.js';
import { CONNECTPAY_CURRENCY } from './connectpay-sandbox.constants.js';
import { formatCents } from './connectpay-sandbox.rules.js';
import { ConnectPaySandboxStore, type PaymentRecord, type Psu } from './connectpay-sandbox.store.js';

function paymentView(p: PaymentRecord): ConnectPaySandboxPaymentView {
  return {
    paymentOrderNo: p.paymentOrderNo,
    status: p.status,
    ...(p.reasonCode ? { reasonCode: p.reasonCode } : {}),
    customerId: p.customerId,
    personId: p.personId,
    debtorIban: p.debtorIban,
    creditorIban: p.creditorIban,
    creditorName: p.creditorName,
    amount: { value: formatCents(p.amountCents), currency: p.currency },
    autoProgress: p.autoProgress,
    createdAt: new Date(p.createdAt).toISOString(),
    statusChangedAt: new Date(p.statusChangedAt).toISOString(),
  };
}

/**
 * Test hooks of the ConnectPay emulator (not part of ConnectPay): script the Auth Web App, expire
 * tokens, move time and payments, read what the emulator received. No authentication: sandbox only.
 */
@ApiTags('Sandbox: ConnectPay')
@ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON')
@Controller(`${CONNECTPAY_SANDBOX_PATH.slice(1)}/__control`)
export class ConnectPaySandboxControlController {
  constructor(private readonly store: ConnectPaySandboxStore) {}

  /** A person/customer filter with both ends checked to exist. */
  private psuFilter(body: PsuFilterDto): Partial<Psu> {
    const filter: Partial<Psu> = {};
    if (body.person !== undefined) {
      const person = this.store.findPerson(body.person);
      if (!person) throw new AppError('NOT_FOUND', `No test person is called ${body.person}.`);
      filter.personId = person.personId;
    }
    if (body.customer !== undefined) {
      if (!this.store.findCustomer(body.customer)) throw new AppError('NOT_FOUND', `No test customer has the id ${body.customer}.`);
      filter.customerId = body.customer;
    }
    return filter;
  }

  @Post('next-decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Decide the next authorize request at once, without the pages: a redirect with a code for (person, customer) and the granted scopes, or access_denied',
  })
  @ApiOkResponse({ description: '`{queued}`: how many decisions are waiting.' })
  @ApiProblems('NOT_FOUND', 'UNPROCESSABLE')
  nextDecision(@Body() body: ConnectPaySandboxNextDecisionDto): { queued: number } {
    const person = body.person === undefined ? this.store.listPersons()[0]! : this.store.findPerson(body.person);
    if (!person) throw new AppError('NOT_FOUND', `No test person is called ${body.person}.`);
    const customerId = body.customer ?? person.customerIds[0]!;
    if (!this.store.findCustomer(customerId)) throw new AppError('NOT_FOUND', `No test customer has the id ${customerId}.`);
    if (!this.store.isPsu(person.personId, customerId)) {
      throw new AppError('UNPROCESSABLE', `${person.username} may not act for ${customerId}.`, { errors: [{ field: 'customer', message: `must be one of ${person.customerIds.join(', ')}` }] });
    }
    return { queued: this.store.queueDecision({ decision: body.decision, personId: person.personId, customerId, scopes: body.scopes }) };
  }

  @Post('time/advance')
  @HttpCode(200)
  @ApiOperation({ summary: "Move the emulator's clock forward: past a code's 24 h, a token's hour, a payment's next step" })
  @ApiOkResponse({ description: '`{now}`: the emulator’s time after the move.' })
  advanceTime(@Body() body: ConnectPaySandboxAdvanceTimeDto): { now: string } {
    this.store.advanceClock(body.seconds);
    return { now: new Date(this.store.now()).toISOString() };
  }

  @Post('tokens/expire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Expire the live access tokens (all, or a person’s / customer’s): they then get 401' })
  @ApiOkResponse({ type: CountView })
  @ApiProblems('NOT_FOUND')
  expireTokens(@Body() body: PsuFilterDto): CountView {
    return { count: this.store.expireAccessTokens(this.psuFilter(body)) };
  }

  @Post('refresh-tokens/expire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Expire the live refresh tokens (all, or a person’s / customer’s): refreshing then gets 400 invalid_grant (expired)' })
  @ApiOkResponse({ type: CountView })
  @ApiProblems('NOT_FOUND')
  expireRefreshTokens(@Body() body: PsuFilterDto): CountView {
    return { count: this.store.expireRefreshTokens(this.psuFilter(body)) };
  }

  @Post('refresh-tokens/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke the live refresh tokens (all, or a person’s / customer’s): refreshing then gets 400 invalid_grant' })
  @ApiOkResponse({ type: CountView })
  @ApiProblems('NOT_FOUND')
  revokeRefreshTokens(@Body() body: PsuFilterDto): CountView {
    return { count: this.store.revokeRefreshTokens(this.psuFilter(body)) };
  }

  @Post('fail-next')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make the next call of an operation fail with an HTTP status (optionally slow, or, for token, after consuming the grant)' })
  @ApiOkResponse({ description: 'The failure now armed, as sent.' })
  failNext(@Body() body: ConnectPaySandboxFailNextDto): ConnectPaySandboxFailNextDto {
    if (body.httpStatus === undefined && body.delayMs === undefined) {
      throw new AppError('VALIDATION_FAILED', 'Give httpStatus, delayMs or both.', { errors: [{ field: 'httpStatus', message: 'is required without delayMs' }] });
    }
    if (body.afterConsume && (body.operation !== 'token' || body.httpStatus === undefined)) {
      throw new AppError('VALIDATION_FAILED', 'afterConsume is for operation token with an httpStatus.', { errors: [{ field: 'afterConsume', message: 'needs operation token and httpStatus' }] });
    }
    this.store.setFailure(body.operation, { httpStatus: body.httpStatus, errorMessage: body.errorMessage, delayMs: body.delayMs, afterConsume: body.afterConsume, times: body.times });
    return body;
  }

  @Post('payments/:paymentOrderNo/status')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move a payment to another status (it then stops moving by itself); ACSC books the money' })
  @ApiOkResponse({ type: ConnectPaySandboxPaymentView })
  @ApiProblems('NOT_FOUND', 'CONFLICT')
  movePayment(@Param('paymentOrderNo') paymentOrderNo: string, @Body() body: MovePaymentDto): ConnectPaySandboxPaymentView {
    const result = this.store.movePayment(paymentOrderNo, body.status, body.reasonCode);
    if (!result.ok && result.reason === 'unknown') throw new AppError('NOT_FOUND', 'No payment has this paymentOrderNo.');
    if (!result.ok) throw new AppError('CONFLICT', `A payment in ${result.from} cannot move to ${body.status}.`);
    return paymentView(result.payment);
  }

  @Get('payments')
  @ApiOperation({ summary: 'Every payment initiated, with its status' })
  @ApiOkResponse({ type: PaymentList })
  payments(): PaymentList {
    return { data: this.store.listPayments().map(paymentView) };
  }

  @Get('requests')
  @ApiOperation({ summary: 'The wire requests received (newest last), without secrets, and counts by operation' })
  @ApiOkResponse({ type: ConnectPaySandboxJournalView })
  requests(@Query() query: RequestsQuery): ConnectPaySandboxJournalView {
    return { data: this.store.listRequests(query.operation), counts: this.store.countRequests() };
  }

  @Get('psus')
  @ApiOperation({ summary: 'The test persons, the customers each may grant, and their accounts with current balances' })
  @ApiOkResponse({ type: PsuList })
  psus(): PsuList {
    return {
      data: this.store.listPersons().map((p) => ({
        personId: p.personId,
        username: p.username,
        displayName: p.displayName,
        customers: p.customerIds.map((id) => {
          const customer = this.store.findCustomer(id)!;
          return {
            customerId: customer.customerId,
            type: customer.type,
            name: customer.name,
            accounts: this.store.accountsOf(customer.customerId).map((a) => ({
              accountId: a.accountId,
              iban: a.iban,
              name: a.name,
              balance: { value: formatCents(a.balanceCents), currency: CONNECTPAY_CURRENCY },
            })),
          };
        }),
      })),
      password: CONNECTPAY_SANDBOX_PASSWORD,
    };
  }

  @Get('settings')
  @ApiOperation({ summary: 'Behaviour switches in force' })
  @ApiOkResponse({ type: ConnectPaySandboxSettingsView })
  settings(): ConnectPaySandboxSettingsView {
    return this.store.getSettings();
  }

  @Patch('settings')
  @ApiOperation({ summary: 'Change behaviour switches (PSU ids in token responses, automatic payment progress)' })
  @ApiOkResponse({ type: ConnectPaySandboxSettingsView })
  updateSettings(@Body() body: ConnectPaySandboxUpdateSettingsDto): ConnectPaySandboxSettingsView {
    return this.store.updateSettings(body);
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Back to a fresh start: starting balances and transactions; codes, tokens, payments, hooks, clock and journal cleared' })
  @ApiOkResponse({ description: '`{reset: true}`' })
  reset(): { reset: true } {
    this.store.reset();
    return { reset: true };
  }
}
