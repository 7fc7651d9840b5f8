import { Body, Controller, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppError } from '../../common/errors/app-error.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { PAGA_SANDBOX_PASSWORD, PAGA_SANDBOX_PATH, PAGA_SANDBOX_USERS } from '../sandbox-accounts.js';
import {
  PagaSandboxAdvanceTimeDto,
  CountView,
  PagaSandboxFailNextDto,
  PagaSandboxJournalView,
  PagaSandboxNextDecisionDto,
  RegisterClientDto,
  RegisteredClientView,
  RequestsQuery,
  SandboxClientList,
  type SandboxClientView,
  SandboxUserList,
  PagaSandboxSettingsView,
  TransactionList,
  PagaSandboxUpdateSettingsDto,
  UsernameFilterDto,
} from './dto/paga-sandbox-control.dto.js';
import { PAGA_CURRENCY } from './paga-sandbox.constants.js';
import { formatKobo, parseAmountToKobo } from './paga-sandbox.money.js';
import { PagaSandboxStore, type SandboxClient } from './paga-sandbox.store.js';

function clientView(client: SandboxClient): SandboxClientView {
  return { clientId: client.clientId, name: client.name, redirectUris: client.redirectUris, floatBalance: formatKobo(client.floatKobo) };
}

/**
 * Test hooks of the Paga emulator (not part of Paga): force outcomes, expire tokens, move time,
 * read what the emulator received. No authentication: it exists only in sandbox mode.
 */
@ApiTags('Sandbox: Paga')
@ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON')
@Controller(`${PAGA_SANDBOX_PATH.slice(1)}/__control`)
export class PagaSandboxControlController {
  constructor(private readonly store: PagaSandboxStore) {}

  private knownUser(username: string | undefined): string | undefined {
    if (username !== undefined && !this.store.findUser(username)) throw new AppError('NOT_FOUND', `No test user is called ${username}.`);
    return username;
  }

  @Post('next-decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decide the next authorization request at once, without showing the page (302 with a code, or access_denied)' })
  @ApiOkResponse({ description: '`{queued}`: how many decisions are waiting.' })
  @ApiProblems('NOT_FOUND')
  nextDecision(@Body() body: PagaSandboxNextDecisionDto): { queued: number } {
    const username = this.knownUser(body.username) ?? PAGA_SANDBOX_USERS[0]!.username;
    if (body.clientId !== undefined && !this.store.findClient(body.clientId)) throw new AppError('NOT_FOUND', 'No such client.');
    return { queued: this.store.queueDecision({ decision: body.decision, username, clientId: body.clientId }) };
  }

  @Post('tokens/expire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Expire the live access tokens (all, or one user’s): they then get 401 invalid_token' })
  @ApiOkResponse({ type: CountView })
  @ApiProblems('NOT_FOUND')
  expireTokens(@Body() body: UsernameFilterDto): CountView {
    return { count: this.store.expireAccessTokens(this.knownUser(body.username)) };
  }

  @Post('refresh-tokens/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke the live refresh tokens (all, or one user’s): refreshing then gets 400 invalid_grant' })
  @ApiOkResponse({ type: CountView })
  @ApiProblems('NOT_FOUND')
  revokeRefreshTokens(@Body() body: UsernameFilterDto): CountView {
    return { count: this.store.revokeRefreshTokens(this.knownUser(body.username)) };
  }

  @Post('fail-next')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make the next call of an operation fail: an HTTP status, or 200 with a business errorCode; optionally slow' })
  @ApiOkResponse({ description: 'The failure now armed, as sent.' })
  failNext(@Body() body: PagaSandboxFailNextDto): PagaSandboxFailNextDto {
    if (body.operation === 'token' && body.httpStatus === undefined && (body.errorCode !== undefined || body.delayMs === undefined)) {
      throw new AppError('VALIDATION_FAILED', 'The token endpoint has no business errorCode: give httpStatus (or only delayMs).', {
        errors: [{ field: 'httpStatus', message: 'is required for operation token' }],
      });
    }
    if (body.httpStatus !== undefined && body.errorCode !== undefined) {
      throw new AppError('VALIDATION_FAILED', 'Give httpStatus or errorCode, not both.', { errors: [{ field: 'errorCode', message: 'cannot be combined with httpStatus' }] });
    }
    this.store.setFailure(body.operation, { httpStatus: body.httpStatus, errorCode: body.errorCode, errorMessage: body.errorMessage, delayMs: body.delayMs });
    return body;
  }

  @Get('requests')
  @ApiOperation({ summary: 'The wire requests received (newest last), without secrets, and counts by operation' })
  @ApiOkResponse({ type: PagaSandboxJournalView })
  requests(@Query() query: RequestsQuery): PagaSandboxJournalView {
    return { data: this.store.listRequests(query.operation), counts: this.store.countRequests() };
  }

  @Get('users')
  @ApiOperation({ summary: 'The test users and their current balances' })
  @ApiOkResponse({ type: SandboxUserList })
  users(): SandboxUserList {
    return {
      data: this.store.listUsers().map((u) => ({
        username: u.username,
        phone: u.phone,
        firstName: u.firstName,
        lastName: u.lastName,
        email: u.email,
        balance: formatKobo(u.balanceKobo),
        currency: PAGA_CURRENCY,
      })),
      password: PAGA_SANDBOX_PASSWORD,
    };
  }

  @Get('transactions')
  @ApiOperation({ summary: 'The merchant payments and money transfers that succeeded (oldest first)' })
  @ApiOkResponse({ type: TransactionList })
  transactions(): TransactionList {
    return {
      data: this.store.listTransactions().map(({ amountKobo, ...t }) => ({ ...t, amount: formatKobo(amountKobo) })),
    };
  }

  @Get('clients')
  @ApiOperation({ summary: 'The registered clients (never their secrets)' })
  @ApiOkResponse({ type: SandboxClientList })
  clients(): SandboxClientList {
    return { data: this.store.listClients().map(clientView) };
  }

  @Post('clients')
  @ApiOperation({ summary: 'Register a client, or replace the secret, name and redirect URIs of an existing one' })
  @ApiCreatedResponse({ type: RegisteredClientView, description: '201 when created, 200 when an existing client was updated.' })
  registerClient(@Body() body: RegisterClientDto, @Res({ passthrough: true }) res: Response): RegisteredClientView {
    const floatKobo = body.floatBalance === undefined ? undefined : (parseAmountToKobo(body.floatBalance) ?? 0);
    const { client, created } = this.store.registerClient({ ...body, floatKobo });
    res.status(created ? 201 : 200);
    return { ...clientView(client), created };
  }

  @Get('settings')
  @ApiOperation({ summary: 'Lifetimes and refresh-token rotation in force' })
  @ApiOkResponse({ type: PagaSandboxSettingsView })
  settings(): PagaSandboxSettingsView {
    return this.store.getSettings();
  }

  @Patch('settings')
  @ApiOperation({ summary: 'Change lifetimes (for codes and tokens issued from now on) or refresh-token rotation' })
  @ApiOkResponse({ type: PagaSandboxSettingsView })
  updateSettings(@Body() body: PagaSandboxUpdateSettingsDto): PagaSandboxSettingsView {
    return this.store.updateSettings(body);
  }

  @Post('time/advance')
  @HttpCode(200)
  @ApiOperation({ summary: "Move the emulator's clock forward, e.g. past a code's or token's expiry" })
  @ApiOkResponse({ description: '`{now}`: the emulator’s time after the move.' })
  advanceTime(@Body() body: PagaSandboxAdvanceTimeDto): { now: string } {
    this.store.advanceClock(body.seconds);
    return { now: new Date(this.store.now()).toISOString() };
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Back to a fresh start: default client and settings, starting balances; codes, tokens, hooks and journal cleared' })
  @ApiOkResponse({ description: '`{reset: true}`' })
  reset(): { reset: true } {
    this.store.reset();
    return { reset: true };
  }
}
