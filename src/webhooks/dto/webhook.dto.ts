import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQuery } from '../../common/paging/page-query.dto.js';
import type { DeliveryLogRow, WebhookEventRow } from '../webhook-events.service.js';
import type { WebhookEndpointRow } from '../webhook-endpoints.service.js';

const EVENT_TYPE = /^(payment|consent)\.[A-Za-z_]{1,40}$/;

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://shop.example/webhooks/gatehouse', description: 'https (http only in sandbox mode); never a private, loopback or link-local address outside sandbox mode.' })
  @IsString()
  @Length(8, 2000)
  url!: string;

  @ApiPropertyOptional({ example: 'order service' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  description?: string;

  @ApiPropertyOptional({ example: ['payment.succeeded', 'payment.failed'], description: 'Only these event types; all when absent.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(EVENT_TYPE, { each: true })
  eventTypes?: string[];
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(8, 2000)
  url?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  description?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(EVENT_TYPE, { each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ description: 'Re-enable an endpoint that was disabled (e.g. after a 410).' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookEndpointView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ nullable: true, type: [String] }) eventTypes!: string[] | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'the endpoint answered 410 Gone' }) disabledReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static of(row: WebhookEndpointRow): WebhookEndpointView {
    return {
      id: row.id,
      url: row.url,
      description: row.description,
      eventTypes: row.event_types,
      enabled: row.enabled,
      disabledReason: row.disabled_reason,
      createdAt: new Date(row.created_at).toISOString(),
    };
  }
}

export class WebhookEndpointWithSecretView extends WebhookEndpointView {
  @ApiProperty({ example: 'whsec_…', description: 'Shown only now: verify webhook-signature with it (Standard Webhooks).' })
  secret!: string;
}

export class WebhookEventView {
  @ApiProperty({ format: 'uuid', description: 'Also the webhook-id header of every delivery of this event.' }) id!: string;
  @ApiProperty({ example: 'payment.succeeded' }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static of(row: WebhookEventRow): WebhookEventView {
    return { id: row.id, type: row.type, data: row.data, createdAt: new Date(row.created_at).toISOString() };
  }
}

class AttemptView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ nullable: true, type: Number }) statusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() durationMs!: number;
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) endpointId!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) state!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) nextAttemptAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty({ type: [AttemptView] }) log!: AttemptView[];

  static of(row: DeliveryLogRow): DeliveryView {
    return {
      id: row.id,
      endpointId: row.endpoint_id,
      state: row.state,
      attempts: row.attempts,
      nextAttemptAt: row.state === 'pending' ? new Date(row.next_attempt_at).toISOString() : null,
      deliveredAt: row.delivered_at ? new Date(row.delivered_at).toISOString() : null,
      log: row.log,
    };
  }
}

export class WebhookEventDetailView extends WebhookEventView {
  @ApiProperty({ type: [DeliveryView] }) deliveries!: DeliveryView[];
}

export class ListEventsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'payment.succeeded' })
  @IsOptional()
  @Matches(EVENT_TYPE)
  type?: string;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{10,200}$/)
  cursor?: string;
}

export class WebhookEventPage {
  @ApiProperty({ type: [WebhookEventView] }) data!: WebhookEventView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ReplayEventDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only to this endpoint; to every enabled endpoint when absent.' })
  @IsOptional()
  @IsUUID()
  endpointId?: string;
}

export class ReplayView {
  @ApiProperty({ example: 1, description: 'Deliveries queued.' }) queued!: number;
}
