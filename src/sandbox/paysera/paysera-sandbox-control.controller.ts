import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppError } from '../../common/errors/app-error.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { PAYSERA_SANDBOX_PASSWORD, PAYSERA_SANDBOX_PATH, PAYSERA_SANDBOX_USERS } from '../sandbox-accounts.js';
import {
  PayseraSandboxAdvanceTimeDto,
  CallbackModeDto,
  ClockSkewDto,
  CountView,
  PayseraSandboxFailNextDto,
  PayseraSandboxJournalView,
  PayseraSandboxNextDecisionDto,
  RequestsQuery,
  SandboxUserList,
  UserFilterDto,
} from './dto/paysera-sandbox-control.dto.js';
import { formatCents } from './paysera-sandbox.money.js';
import { type CallbackRecord, PayseraSandboxStore } from './paysera-sandbox.store.js';
import { PayseraSandboxCallbacks } from './paysera-sandbox-callbacks.service.js';

/**
 * Test hooks of the Paysera emulator (not part of Paysera): script the OAuth page, move time, skew
 * the server clock, expire tokens, force failures, steer callbacks, read what arrived. No
 * authentication: it exists only in sandbox mode.
 */
@ApiTags('Sandbox: Paysera')
@ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON')
@Controller(`${PAYSERA_SANDBOX_PATH.slice(1)}/__control`)
export class PayseraSandboxControlController {
  constructor(
    private readonly store: PayseraSandboxStore,
    private readonly callbacks: PayseraSandboxCallbacks,
  ) {}

  private userId(email: string | null | undefined): number | undefined {
    // @IsOptional lets null through: it means "not given", like a missing field.
    if (email === undefined || email === null) return undefined;
    const user = this.store.findUserByEmail(email);
    if (!user) throw new AppError('NOT_FOUND', `No test user has the email ${email}.`);
    return user.userId;
  }

  @Post('next-decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decide the next authorization request without showing the page (302 with a code, or access_denied)' })
  @ApiOkResponse({ description: '`{queued}`: how many decisions are waiting.' })
  @ApiProblems('NOT_FOUND')
  nextDecision(@Body() body: PayseraSandboxNextDecisionDto): { queued: number } {
    return { queued: this.store.queueDecision(body.decision, this.userId(body.user) ?? PAYSERA_SANDBOX_USERS[0]!.userId) };
  }

  @Post('time/advance')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move virtual time forward (codes, tokens, allowances, transactions expire); MAC timestamps are not affected' })
  @ApiOkResponse({ description: '`{now}`: virtual time after the move.' })
  advance(@Body() body: PayseraSandboxAdvanceTimeDto): { now: string } {
    this.store.advanceClock(body.seconds);
    return { now: new Date(this.store.now()).toISOString() };
  }

  @Post('clock-skew')
  @HttpCode(200)
  @ApiOperation({ summary: "Set the server clock's offset: MAC timestamps outside ±300 s of it get invalid_timestamp; GET /rest/v1/server reports it" })
  @ApiOkResponse({ description: '`{skewSeconds, serverTime}`' })
  skew(@Body() body: ClockSkewDto): { skewSeconds: number; serverTime: number } {
    this.store.setSkew(body.seconds);
    return { skewSeconds: this.store.skew, serverTime: this.store.serverTime() };
  }

  @Post('tokens/expire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Expire live access tokens (all, or one user’s): calls then get 401 invalid_grant "Token has expired"' })
  @ApiOkResponse({ type: CountView })
  @ApiProblems('NOT_FOUND')
  expireTokens(@Body() body: UserFilterDto): CountView {
    return { count: this.store.expireAccessTokens(this.userId(body.user)) };
  }

  @Post('tokens/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'The user withdraws the app in Paysera (all users, or one): access tokens answer 401 unauthorized, refresh tokens "Refresh token status invalid"' })
  @ApiOkResponse({ type: CountView, description: 'How many access tokens were revoked.' })
  @ApiProblems('NOT_FOUND')
  revokeGrants(@Body() body: UserFilterDto): CountView {
    return { count: this.store.revokeGrants(this.userId(body.user)) };
  }

  @Post('refresh-tokens/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke live refresh tokens (all, or one user’s): refreshing then gets 400 invalid_grant "Refresh token status invalid"' })
  @ApiOkResponse({ type: CountView })
  @ApiProblems('NOT_FOUND')
  revokeRefresh(@Body() body: UserFilterDto): CountView {
    return { count: this.store.revokeRefreshTokens(this.userId(body.user)) };
  }

  @Post('fail-next')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make the next call of an operation answer with a Paysera error (before any check)' })
  @ApiOkResponse({ description: 'The failure now armed.' })
  failNext(@Body() body: PayseraSandboxFailNextDto): Required<PayseraSandboxFailNextDto> {
    const failure = {
      operation: body.operation,
      httpStatus: body.httpStatus ?? 500,
      error: body.error ?? 'internal_server_error',
      errorDescription: body.errorDescription ?? 'Forced failure (sandbox)',
    };
    this.store.setFailure(body.operation, failure);
    return failure;
  }

  @Post('callbacks')
  @HttpCode(200)
  @ApiOperation({ summary: 'How transaction callbacks are sent from now on: deliver, drop, delay or duplicate' })
  @ApiOkResponse({ description: '`{mode, delayMs}`' })
  callbackMode(@Body() body: CallbackModeDto): { mode: string; delayMs: number } {
    if (body.mode === 'delay' && !body.delayMs) {
      throw new AppError('VALIDATION_FAILED', 'mode delay needs delayMs.', { errors: [{ field: 'delayMs', message: 'is required for mode delay' }] });
    }
    this.store.callbackMode = { mode: body.mode, delayMs: body.delayMs ?? 0 };
    return this.store.callbackMode;
  }

  @Get('callbacks')
  @ApiOperation({ summary: 'The callbacks sent, dropped or failed (oldest first)' })
  @ApiOkResponse({ description: '`{data: [{at, url, object, type, id, outcome, status?, attempt}]}`' })
  callbackLog(): { data: CallbackRecord[] } {
    return { data: this.store.listCallbacks() };
  }

  @Get('requests')
  @ApiOperation({ summary: 'The wire requests received (newest last), without secrets' })
  @ApiOkResponse({ type: PayseraSandboxJournalView })
  requests(@Query() query: RequestsQuery): PayseraSandboxJournalView {
    return { data: this.store.listRequests(query.operation) };
  }

  @Get('users')
  @ApiOperation({ summary: 'The test users with their wallets and current balances' })
  @ApiOkResponse({ type: SandboxUserList })
  users(): SandboxUserList {
    return {
      data: this.store.listUsers().map((u) => ({
        userId: u.userId,
        email: u.email,
        displayName: u.displayName,
        walletId: u.walletId,
        atDisposal: u.atDisposalCents,
        reserved: u.reservedCents,
        atDisposalDecimal: formatCents(u.atDisposalCents),
      })),
      password: PAYSERA_SANDBOX_PASSWORD,
    };
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Fresh start: balances, codes, tokens, transactions, allowances, switches, clock, skew and journal' })
  @ApiOkResponse({ description: '`{reset: true}`' })
  reset(): { reset: true } {
    this.callbacks.abandon();
    this.store.reset();
    return { reset: true };
  }
}
