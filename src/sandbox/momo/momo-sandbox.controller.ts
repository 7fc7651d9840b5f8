import { All, Controller, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppError } from '../../common/errors/app-error.js';
import { MOMO_SANDBOX_PATH } from '../sandbox-accounts.js';
import { MomoSandboxApiService } from './momo-sandbox-api.service.js';

const CONTROL_PREFIX = '/__control';

/**
 * MoMo's wire surface below /sandbox/momo, as MoMo clients reach it. One wildcard: the routing rules
 * (exact paths, `/token/` with its trailing slash, `//` refused) are MoMo's, not Express's, and live
 * in the pure `matchWireRoute`. Registered after the control controller, so `__control` wins.
 */
@ApiExcludeController()
@Controller(MOMO_SANDBOX_PATH.slice(1))
export class MomoSandboxController {
  constructor(private readonly api: MomoSandboxApiService) {}

  @All('{*rest}')
  async wire(@Req() req: Request, @Res() res: Response): Promise<void> {
    const path = req.originalUrl.split('?')[0]!.slice(MOMO_SANDBOX_PATH.length);
    // A control path that matched no control route: Gatehouse's own 404, as the control API speaks problem+json.
    if (path.replace(/\/{2,}/g, '/').startsWith(CONTROL_PREFIX)) {
      throw new AppError('ROUTE_NOT_FOUND', `No route matches ${req.method} ${MOMO_SANDBOX_PATH}${path.slice(0, 200)}.`);
    }
    await this.api.serve(req, res, path);
  }
}
