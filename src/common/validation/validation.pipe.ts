import { ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';
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
 * The global pipe: known fields only (unknown ones are an error, not silently dropped), types
 * checked, plain objects turned into DTO instances. Failures are never stored or logged as bodies.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
