import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiProblems } from '../common/swagger/api-problems.decorator.js';
import { uuidParam } from '../common/validation/validation.pipe.js';
import { ConsentFlowService } from './consent-flow.service.js';
import type { OAuthRequest } from './oauth-state.store.js';

/** Nothing on these pages may be cached or leak the URL (code, state) to another site. */
function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/** The routes the user's browser visits; no API key: the consent id and the state are the keys. */
@ApiTags('OAuth consent (browser)')
@Controller('oauth/:provider')
export class OAuthController {
  constructor(private readonly flow: ConsentFlowService) {}

  @Get('authorize/:consentId')
  @ApiOperation({ summary: "Sends the user's browser to the provider's consent page with a fresh single-use state" })
  @ApiParam({ name: 'provider', example: 'paga' })
  @ApiResponse({ status: 302, description: "Redirect to the provider's authorization page" })
  @ApiProblems('NOT_FOUND', 'VALIDATION_FAILED', 'CONSENT_STATE_CONFLICT', 'CONSENT_NOT_ACTIVE')
  async authorize(
    @Param('provider') provider: string,
    @Param('consentId', uuidParam('consentId')) consentId: string,
    @Req() req: OAuthRequest,
    @Res() res: Response,
  ): Promise<void> {
    noStore(res);
    await this.flow.authorize(provider, consentId, req, res);
  }

  @Get('callback')
  @ApiOperation({ summary: "The provider's redirect back: checks the state, exchanges the code once, returns the user to the merchant" })
  @ApiParam({ name: 'provider', example: 'paga' })
  @ApiResponse({ status: 303, description: "Redirect to the merchant's returnUrl with consent_id, status (and error when denied)" })
  @ApiProblems('NOT_FOUND', 'INVALID_OAUTH_STATE', 'CONSENT_STATE_CONFLICT', 'BAD_REQUEST')
  async callback(@Param('provider') provider: string, @Req() req: OAuthRequest, @Res() res: Response): Promise<void> {
    noStore(res);
    const location = await this.flow.callback(provider, req, res);
    res.redirect(303, location);
  }
}
