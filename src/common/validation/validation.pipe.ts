import { type ArgumentMetadata, HttpException, ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError, type FieldError } from '../errors/app-error.js';

/** Flattens class-validator's tree into `{field: "a.b[0]", message}` pairs. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: error.constraints?.whitelistValidation ? 'is not an allowed field' : message,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * Some validators throw on input they cannot read instead of saying no (validator's isEmail calls
 * encodeURI, which throws URIError on a lone UTF-16 surrogate such as "\ud800"). That is the
 * caller's malformed input, not our fault: a 400, never a 500.
 */
class GuardedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (err) {
      if (err instanceof AppError || err instanceof HttpException) throw err;
      throw new AppError('VALIDATION_FAILED', 'The request holds a value that cannot be read (malformed text such as an unpaired UTF-16 surrogate).', {
        errors: [{ field: metadata.data ?? metadata.type, message: 'holds a value that cannot be read' }],
        cause: err,
      });
    }
  }
}

/**
 * The global pipe: known fields only (unknown ones are an error, not silently dropped), types
 * checked, plain objects turned into DTO instances. Failures are never stored or logged as bodies.
 */
export function createValidationPipe(): ValidationPipe {
  return new GuardedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      return new AppError('VALIDATION_FAILED', `${fieldErrors.length} field(s) are invalid.`, { errors: fieldErrors });
    },
  });
}

/** `@Param('id', uuidParam('id'))`: a malformed id is a validation error naming the parameter. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    version: undefined,
    exceptionFactory: () =>
      new AppError('VALIDATION_FAILED', `${name} is not a valid UUID.`, { errors: [{ field: name, message: 'must be a UUID' }] }),
  });
}
