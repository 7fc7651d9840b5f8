import { Controller, Get, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppError } from '../../common/errors/app-error.js';
import { rawBodyOf } from '../../common/http/raw-body.js';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';

interface Received {
  receivedAt: string;
  webhookId: string;
  webhookTimestamp: string;
  webhookSignature: string;
  body: string;
}

const MAX_INBOXES = 100;
const MAX_PER_INBOX = 200;
const INBOX_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * A stand-in for a merchant's webhook endpoint, for the demo page: it keeps what it receives, as
 * sent (headers and raw body), so the page can verify the signatures itself. Sandbox only; in
 * memory; unguessable inbox ids chosen by the page.
 */
@ApiTags('Sandbox')
@Controller('sandbox/webhook-inbox')
export class WebhookInboxController {
  private readonly inboxes = new Map<string, Received[]>();

  @Post(':inbox')
  @HttpCode(204)
  @ApiOperation({ summary: 'Receives webhooks for the demo page (a stand-in merchant endpoint)' })
  @ApiProblems('NOT_FOUND')
  receive(@Param('inbox') inbox: string, @Req() req: Request, @Headers() headers: Record<string, string>): void {
    if (!INBOX_ID.test(inbox)) throw new AppError('NOT_FOUND', 'No such inbox.');
    if (!this.inboxes.has(inbox) && this.inboxes.size >= MAX_INBOXES) this.inboxes.delete(this.inboxes.keys().next().value!);
    const list = this.inboxes.get(inbox) ?? [];
    list.push({
      receivedAt: new Date().toISOString(),
      webhookId: headers['webhook-id'] ?? '',
      webhookTimestamp: headers['webhook-timestamp'] ?? '',
      webhookSignature: headers['webhook-signature'] ?? '',
      body: rawBodyOf(req).toString('utf8'),
    });
    this.inboxes.set(inbox, list.slice(-MAX_PER_INBOX));
  }

  @Get(':inbox')
  @ApiOperation({ summary: 'What the inbox received, oldest first' })
  @ApiOkResponse({ description: '{ data: [{receivedAt, webhookId, webhookTimestamp, webhookSignature, body}] }' })
  @ApiProblems('NOT_FOUND')
  list(@Param('inbox') inbox: string): { data: Received[] } {
    if (!INBOX_ID.test(inbox)) throw new AppError('NOT_FOUND', 'No such inbox.');
    return { data: this.inboxes.get(inbox) ?? [] };
  }
}
