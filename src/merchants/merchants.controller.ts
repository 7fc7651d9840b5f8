import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/swagger/api-problems.decorator.js';
import { uuidParam } from '../common/validation/validation.pipe.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyList, ApiKeyView } from './dto/api-key.dto.js';
import { MerchantView } from './dto/merchant.dto.js';
import { CurrentMerchant, RequireScopes } from './merchant-auth.js';
import type { Merchant } from './merchant.entity.js';
import { MerchantGuard } from './merchant.guard.js';

@ApiTags('Merchant')
@ApiBearerAuth('merchant-key')
@ApiProblems('UNAUTHENTICATED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE')
@UseGuards(MerchantGuard)
@Controller('v1')
export class MerchantsController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get('merchants/me')
  @ApiOperation({ summary: 'The merchant that owns the calling API key' })
  @ApiOkResponse({ type: MerchantView })
  me(@CurrentMerchant() merchant: Merchant): MerchantView {
    return MerchantView.of(merchant);
  }

  @Get('api-keys')
  @RequireScopes('read')
  @ApiOperation({ summary: "The caller's API keys (never the keys themselves)" })
  @ApiOkResponse({ type: ApiKeyList })
  async listKeys(@CurrentMerchant() merchant: Merchant): Promise<ApiKeyList> {
    return { data: (await this.apiKeys.list(merchant.id)).map(ApiKeyView.of) };
  }

  @Get('api-keys/:id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'One of the caller’s API keys' })
  @ApiOkResponse({ type: ApiKeyView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async getKey(@CurrentMerchant() merchant: Merchant, @Param('id', uuidParam('id')) id: string): Promise<ApiKeyView> {
    return ApiKeyView.of(await this.apiKeys.get(merchant.id, id));
  }
}
