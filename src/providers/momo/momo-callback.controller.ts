import { Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppError } from '../../common/errors/app-error.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { MomoPaymentsService } from './momo-payments.service.js';

/**
 * Where MoMo calls back (PUT, or POST for some operations). MoMo signs nothing, so the body is
 * never trusted: the unguessable token in the URL names one payment, and its status is read from
 * MoMo before anything changes.
 */
@ApiTags('Provider callbacks')
@Controller('callbacks/momo')
export class MomoCallbackController {
  constructor(private readonly payments: MomoPaymentsService) {}

  @Put(':token')
  @HttpCode(200)
  @ApiOperation({ summary: 'MoMo callback (PUT): answered at once; the status is then read from MoMo' })
  @ApiOkResponse({ description: 'Received' })
  @ApiProblems('NOT_FOUND')
  put(@Param('token') token: string): Promise<{ received: true }> {
    return this.receive(token);
  }

  @Post(':token')
  @HttpCode(200)
  @ApiOperation({ summary: 'MoMo callback (POST, as v1 deposit/refund/withdraw send it)' })
  @ApiOkResponse({ description: 'Received' })
  @ApiProblems('NOT_FOUND')
  post(@Param('token') token: string): Promise<{ received: true }> {
    return this.receive(token);
  }

  private async receive(token: string): Promise<{ received: true }> {
    const payment = /^[A-Za-z0-9_-]{43}$/.test(token) ? await this.payments.onCallback(token) : undefined;
    if (!payment) throw new AppError('NOT_FOUND', 'No such callback.');
    return { received: true };
  }
}
