import { All, Controller, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppError } from '../../common/errors/app-error.js';
import { PACO_SANDBOX_PATH } from '../sandbox-accounts.js';
import { PacoSandboxApiService } from './paco-sandbox-api.service.js';

const CONTROL_PREFIX = '/__control';

/**
 * PACO's wire surface below /sandbox/paco (the API under /api/<version>/ and the hosted page under
 * /pay/<id>). One wildcard: PACO's routing is case-insensitive and its errors are PACO-shaped, so
 * the pure routing lives in the service. Registered after the control controller, so `__control` wins.
 */
@ApiExcludeController()
@Controller(PACO_SANDBOX_PATH.slice(1))
export class PacoSandboxController {
  constructor(private readonly api: PacoSandboxApiService) {}

  @All('{*rest}')
  async wire(@Req() req: Request, @Res() res: Response): Promise<void> {
    const path = req.originalUrl.split('?')[0]!.slice(PACO_SANDBOX_PATH.length).replace(/\/{2,}/g, '/');
    if (path.startsWith(CONTROL_PREFIX)) {
      throw new AppError('ROUTE_NOT_FOUND', `No route matches ${req.method} ${PACO_SANDBOX_PATH}${path.slice(0, 200)}.`);
    }
    await this.api.serve(req, res, path);
  }
}
