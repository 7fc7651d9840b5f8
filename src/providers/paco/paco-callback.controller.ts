import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppError } from '../../common/errors/app-error.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { PacoNotificationsService } from './paco-notifications.service.js';
import { PacoReturnService } from './paco-return.service.js';

const OUTCOMES = ['confirmed', 'failed', 'cancelled'] as const;

/**
 * What PACO sends to Gatehouse: backend notifications (server to server, JWE(JWS)) and the payer's
 * browser after the hosted page. Neither needs an API key: the notification proves itself by its
 * signature, and the browser return only reads state and redirects to the merchant.
 */
@ApiTags('Provider callbacks')
@Controller()
export class PacoCallbackController {
  constructor(
    private readonly notifications: PacoNotificationsService,
    private readonly returns: PacoReturnService,
  ) {}

  @Post('callbacks/paco')
  @HttpCode(200)
  @ApiConsumes('application/jose')
  @ApiOperation({ summary: "PACO backend notification: a JWE(JWS) opened with Gatehouse's key and verified with PACO's; applied through the payment state machine" })
  @ApiOkResponse({ description: 'Received and applied (a duplicate changes nothing)' })
  @ApiProblems('INVALID_SIGNATURE', 'UNSUPPORTED_MEDIA_TYPE', 'BAD_REQUEST', 'NOT_FOUND', 'SERVICE_UNAVAILABLE')
  async notification(@Body() body: unknown, @Headers('content-type') contentType = ''): Promise<{ received: true; status: string }> {
    const { payment } = await this.notifications.receive(body, contentType);
    return { received: true, status: payment.status };
  }

  @Get('paco/return/:outcome')
  @ApiParam({ name: 'outcome', enum: OUTCOMES })
  @ApiOperation({ summary: "Where PACO's hosted page sends the payer: the payment is read from PACO, then 303 to the merchant's returnUrl with orderNo and status" })
  @ApiResponse({ status: 303, description: "Redirect to the merchant's returnUrl with `orderNo` and `status`" })
  @ApiProblems('NOT_FOUND', 'VALIDATION_FAILED')
  async back(@Param('outcome') outcome: string, @Query('orderNo') orderNo: unknown, @Query('controllerInternalId') controllerInternalId: unknown, @Res() res: Response): Promise<void> {
    if (!(OUTCOMES as readonly string[]).includes(outcome)) throw new AppError('NOT_FOUND', 'No such return.');
    if (typeof orderNo !== 'string' || !/^[A-Za-z0-9_-]{1,20}$/.test(orderNo)) {
      throw new AppError('VALIDATION_FAILED', 'orderNo is missing.', { errors: [{ field: 'orderNo', message: "must be PACO's order number" }] });
    }
    const target = await this.returns.landing(orderNo, typeof controllerInternalId === 'string' ? controllerInternalId : undefined);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.redirect(303, target);
  }
}
