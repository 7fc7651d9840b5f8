import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from './error-codes.js';

describe('the error codes', () => {
  it('are all in the README table, with their status', () => {
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const missing = Object.entries(ERROR_CODES)
      .filter(([code, { status }]) => !new RegExp(`^\\| ${status} \\|.*\`${code}\``, 'm').test(readme))
      .map(([code]) => code);
    expect(missing).toEqual([]);
  });
});
