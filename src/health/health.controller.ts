import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';
import { ApiProblems } from '../common/swagger/api-problems.decorator.js';

class HealthView {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';

  @ApiProperty({ example: { database: 'up' }, required: false })
  checks?: Record<string, 'up'>;
}

const READY_TIMEOUT_MS = 2_000;

@ApiTags('Operations')
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process serves HTTP' })
  @ApiOkResponse({ type: HealthView })
  @ApiProblems()
  live(): HealthView {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers' })
  @ApiOkResponse({ type: HealthView })
  @ApiProblems('SERVICE_UNAVAILABLE')
  async ready(): Promise<HealthView> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
    } catch (err) {
      throw new AppError('SERVICE_UNAVAILABLE', 'The database does not answer.', { headers: { 'Retry-After': '5' }, cause: err });
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ok', checks: { database: 'up' } };
  }
}
