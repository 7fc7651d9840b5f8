import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem-details.js';

class FieldErrorDto {
  @ApiProperty({ example: 'scopes[0]' })
  field!: string;

  @ApiProperty({ example: 'each value in scopes must be one of: consents, payments, read' })
  message!: string;
}

/** The body of every error response (RFC 9457 problem details). */
export class ProblemDto {
  @ApiProperty({ example: 'urn:gatehouse:problem:validation-failed' })
  type!: string;

  @ApiProperty({ example: 'The request is not valid' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ enum: Object.keys(ERROR_CODES), description: 'Stable machine-readable error code.' })
  code!: string;

  @ApiPropertyOptional({ example: '1 field(s) are invalid.' })
  detail?: string;

  @ApiPropertyOptional({ example: '/v1/merchants/me' })
  instance?: string;

  @ApiPropertyOptional({ description: 'Quote this when asking for support; it is in the server log.' })
  requestId?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];
}

/** Documents the problem+json responses a route can give, grouped by HTTP status. */
export function ApiProblems(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>([...codes, 'INTERNAL'])) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        description: list.join(', '),
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
