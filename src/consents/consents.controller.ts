import { Body, Controller, Delete, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { decodeCursor, encodeCursor } from '../common/paging/cursor.js';
import { ApiProblems } from '../common/swagger/api-problems.decorator.js';
import { uuidParam } from '../common/validation/validation.pipe.js';
import { CurrentMerchant, RequireScopes } from '../merchants/merchant-auth.js';
import type { Merchant } from '../merchants/merchant.entity.js';
import { MerchantGuard } from '../merchants/merchant.guard.js';
import { ConsentFlowService } from './consent-flow.service.js';
import { ConsentsService } from './consents.service.js';
import { ConsentPage, ConsentView, CreateConsentDto, ListConsentsQuery } from './dto/consent.dto.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';

@ApiTags('Consents')
@ApiBearerAuth('merchant-key')
@ApiProblems('UNAUTHENTICATED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE')
@UseGuards(MerchantGuard)
@RequireScopes('consents')
@Controller('v1/consents')
export class ConsentsController {
  constructor(
    private readonly consents: ConsentsService,
    private readonly flow: ConsentFlowService,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: "Start a consent: returns the URL to send the user's browser to" })
  @ApiCreatedResponse({ type: ConsentView })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON')
  async create(@CurrentMerchant() merchant: Merchant, @Body() body: CreateConsentDto): Promise<ConsentView> {
    const { consent, psu } = await this.consents.create(merchant, body);
    return ConsentView.of(consent, psu, this.consents.authorizationUrl(consent));
  }

  @Get()
  @ApiOperation({ summary: "The merchant's consents, oldest first, filtered and paged" })
  @ApiOkResponse({ type: ConsentPage })
  @ApiProblems('VALIDATION_FAILED')
  async list(@CurrentMerchant() merchant: Merchant, @Query() query: ListConsentsQuery): Promise<ConsentPage> {
    const rows = await this.consents.list(merchant.id, { ...query, afterId: query.cursor ? decodeCursor(query.cursor) : undefined });
    const last = rows.at(-1);
    return {
      data: rows.map(({ consent, psu }) => ConsentView.of(consent, psu, this.consents.authorizationUrl(consent))),
      nextCursor: rows.length === query.limit && last ? encodeCursor(last.consent.id) : null,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One consent, with its status history' })
  @ApiOkResponse({ type: ConsentView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async get(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<ConsentView> {
    const { consent, psu } = await this.consents.get(merchant.id, id);
    return ConsentView.of(consent, psu, this.consents.authorizationUrl(consent), await this.consents.history(consent.id));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Withdraw a consent (terminatedByTpp); its tokens are destroyed at once' })
  @ApiOkResponse({ type: ConsentView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONSENT_STATE_CONFLICT')
  async terminate(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<ConsentView> {
    await this.flow.terminate(merchant.id, id);
    const { consent, psu } = await this.consents.get(merchant.id, id);
    return ConsentView.of(consent, psu, undefined, await this.consents.history(consent.id));
  }
}
