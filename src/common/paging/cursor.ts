import { AppError } from '../errors/app-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Opaque to merchants; today it is the last id of the page (lists are ordered by creation, then id).
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) {
    throw new AppError('VALIDATION_FAILED', 'The cursor is not valid.', { errors: [{ field: 'cursor', message: 'is not a cursor from this API' }] });
  }
  return id;
}
