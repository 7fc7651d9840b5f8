import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { decodeCursor, encodeCursor } from '../common/paging/cursor.js';
import { ApiProblems } from '../common/swagger/api-problems.decorator.js';
import { uuidParam } from '../common/validation/validation.pipe.js';
import { CurrentMerchant, RequireScopes } from '../merchants/merchant-auth.js';
import type { Merchant } from '../merchants/merchant.entity.js';
import { MerchantGuard } from '../merchants/merchant.guard.js';
import {
  CreateWebhookEndpointDto,
  DeliveryView,
  ListEventsQuery,
  ReplayEventDto,
  ReplayView,
  UpdateWebhookEndpointDto,
  WebhookEndpointView,
  WebhookEndpointWithSecretView,
  WebhookEventDetailView,
  WebhookEventPage,
  WebhookEventView,
} from './dto/webhook.dto.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WebhookEventsService } from './webhook-events.service.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';

@ApiTags('Webhooks')
@ApiBearerAuth('merchant-key')
@ApiProblems('UNAUTHENTICATED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE', 'RATE_LIMITED')
@UseGuards(MerchantGuard)
@RequireScopes('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly events: WebhookEventsService,
  ) {}

  @Post('endpoints')
  @Idempotent()
  @ApiOperation({ summary: 'Register an endpoint; the answer carries its signing secret, shown once' })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretView })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON', 'WEBHOOK_URL_NOT_ALLOWED')
  async create(@CurrentMerchant() merchant: Merchant, @Body() body: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretView> {
    const { endpoint, secret } = await this.endpoints.create(merchant.id, body);
    return { ...WebhookEndpointView.of(endpoint), secret };
  }

  @Get('endpoints')
  @ApiOperation({ summary: "The merchant's endpoints" })
  @ApiOkResponse({ type: [WebhookEndpointView] })
  async list(@CurrentMerchant() merchant: Merchant): Promise<WebhookEndpointView[]> {
    return (await this.endpoints.list(merchant.id)).map((row) => WebhookEndpointView.of(row));
  }

  @Get('endpoints/:id')
  @ApiOperation({ summary: 'One endpoint' })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async get(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<WebhookEndpointView> {
    return WebhookEndpointView.of(await this.endpoints.get(merchant.id, id));
  }

  @Patch('endpoints/:id')
  @ApiOperation({ summary: 'Change the URL, description or event types; enable or disable' })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON', 'NOT_FOUND', 'WEBHOOK_URL_NOT_ALLOWED')
  async update(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string, @Body() body: UpdateWebhookEndpointDto): Promise<WebhookEndpointView> {
    return WebhookEndpointView.of(await this.endpoints.update(merchant.id, id, body));
  }

  @Delete('endpoints/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an endpoint and its pending deliveries' })
  @ApiNoContentResponse()
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async remove(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.endpoints.remove(merchant.id, id);
  }

  @Post('endpoints/:id/rotate-secret')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'A new signing secret (shown once); the old one keeps signing too for WEBHOOK_SECRET_GRACE_S' })
  @ApiOkResponse({ type: WebhookEndpointWithSecretView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async rotate(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<WebhookEndpointWithSecretView> {
    const { endpoint, secret } = await this.endpoints.rotate(merchant.id, id);
    return { ...WebhookEndpointView.of(endpoint), secret };
  }

  @Get('events')
  @ApiOperation({ summary: "The merchant's events (every consent and payment status change), oldest first" })
  @ApiOkResponse({ type: WebhookEventPage })
  @ApiProblems('VALIDATION_FAILED')
  async listEvents(@CurrentMerchant() merchant: Merchant, @Query() query: ListEventsQuery): Promise<WebhookEventPage> {
    const rows = await this.events.list(merchant.id, { type: query.type, limit: query.limit, afterId: query.cursor ? decodeCursor(query.cursor) : undefined });
    const last = rows.at(-1);
    return { data: rows.map((row) => WebhookEventView.of(row)), nextCursor: rows.length === query.limit && last ? encodeCursor(last.id) : null };
  }

  @Get('events/:id')
  @ApiOperation({ summary: 'One event with its deliveries and every attempt (the delivery log)' })
  @ApiOkResponse({ type: WebhookEventDetailView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async event(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<WebhookEventDetailView> {
    const { event, deliveries } = await this.events.get(merchant.id, id);
    return { ...WebhookEventView.of(event), deliveries: deliveries.map((d) => DeliveryView.of(d)) };
  }

  @Post('events/:id/replay')
  @Idempotent()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send an event again, with the same webhook-id' })
  @ApiOkResponse({ type: ReplayView })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON', 'NOT_FOUND')
  async replay(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string, @Body() body: ReplayEventDto): Promise<ReplayView> {
    return { queued: await this.events.replay(merchant.id, id, body.endpointId) };
  }
}
