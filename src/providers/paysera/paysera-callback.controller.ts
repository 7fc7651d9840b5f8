import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { rawBodyOf } from '../../common/http/raw-body.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { PayseraCallbacksService } from './paysera-callbacks.service.js';

/** Where Paysera posts transaction and allowance events (PAYSERA_CALLBACK_URL). No API key: the signature is the key. */
@ApiTags('Provider callbacks')
@Controller('callbacks/paysera')
export class PayseraCallbackController {
  constructor(private readonly callbacks: PayseraCallbacksService) {}

  @Post()
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'Paysera callback: form fields event and sign (RSA-SHA256 over the raw event, key from /publickey)' })
  @ApiOkResponse({ description: '`OK`: verified (applied, already applied, or about nothing of ours)' })
  @ApiProblems('INVALID_SIGNATURE', 'VALIDATION_FAILED', 'PROVIDER_ERROR')
  async receive(@Req() req: Request): Promise<string> {
    await this.callbacks.receive(rawBodyOf(req));
    return 'OK';
  }
}
