import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/swagger/api-problems.decorator.js';
import { uuidParam } from '../common/validation/validation.pipe.js';
import { AdminGuard } from './admin.guard.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyList, ApiKeyView, CreateApiKeyDto, IssuedApiKeyView } from './dto/api-key.dto.js';
import { CreateMerchantDto, ListMerchantsQuery, MerchantPage, MerchantView, UpdateMerchantDto } from './dto/merchant.dto.js';
import { MerchantsService } from './merchants.service.js';

/** The operator's surface: merchants, their URLs and their API keys. */
@ApiTags('Admin')
@ApiBearerAuth('admin-token')
@ApiProblems('UNAUTHENTICATED', 'FORBIDDEN', 'ADMIN_DISABLED')
@UseGuards(AdminGuard)
@Controller('admin')
export class AdminController {
  constructor(
    private readonly merchants: MerchantsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Post('merchants')
  @ApiOperation({ summary: 'Create a merchant' })
  @ApiCreatedResponse({ type: MerchantView })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON', 'PAYLOAD_TOO_LARGE')
  async createMerchant(@Body() body: CreateMerchantDto): Promise<MerchantView> {
    return MerchantView.of(await this.merchants.create(body));
  }

  @Get('merchants')
  @ApiOperation({ summary: 'List merchants' })
  @ApiOkResponse({ type: MerchantPage })
  @ApiProblems('VALIDATION_FAILED')
  async listMerchants(@Query() query: ListMerchantsQuery): Promise<MerchantPage> {
    const [rows, total] = await this.merchants.list(query.limit, query.offset);
    return { data: rows.map(MerchantView.of), total };
  }

  @Get('merchants/:id')
  @ApiOperation({ summary: 'Get a merchant' })
  @ApiOkResponse({ type: MerchantView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async getMerchant(@Param('id', uuidParam('id')) id: string): Promise<MerchantView> {
    return MerchantView.of(await this.merchants.get(id));
  }

  @Patch('merchants/:id')
  @ApiOperation({ summary: "Rename, disable or set a merchant's allowed return URLs and webhook URLs" })
  @ApiOkResponse({ type: MerchantView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'MALFORMED_JSON')
  async updateMerchant(@Param('id', uuidParam('id')) id: string, @Body() body: UpdateMerchantDto): Promise<MerchantView> {
    return MerchantView.of(await this.merchants.update(id, body));
  }

  @Post('merchants/:id/api-keys')
  @ApiOperation({ summary: 'Issue an API key (the key is shown once, in this response)' })
  @ApiCreatedResponse({ type: IssuedApiKeyView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'MALFORMED_JSON')
  async issueKey(@Param('id', uuidParam('id')) id: string, @Body() body: CreateApiKeyDto): Promise<IssuedApiKeyView> {
    const merchant = await this.merchants.get(id);
    const { apiKey, key } = await this.apiKeys.issue(merchant.id, body.scopes, body.label);
    return { apiKey: ApiKeyView.of(apiKey), key };
  }

  @Get('merchants/:id/api-keys')
  @ApiOperation({ summary: "List a merchant's API keys" })
  @ApiOkResponse({ type: ApiKeyList })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async listKeys(@Param('id', uuidParam('id')) id: string): Promise<ApiKeyList> {
    const merchant = await this.merchants.get(id);
    return { data: (await this.apiKeys.list(merchant.id)).map(ApiKeyView.of) };
  }

  @Post('api-keys/:id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key (idempotent); it stops working at once' })
  @ApiOkResponse({ type: ApiKeyView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async revokeKey(@Param('id', uuidParam('id')) id: string): Promise<ApiKeyView> {
    return ApiKeyView.of(await this.apiKeys.revoke(id));
  }
}
