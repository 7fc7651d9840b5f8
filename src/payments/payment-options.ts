import { AppError } from '../common/errors/app-error.js';

/**
 * Reads the provider's own fields of a unified payment request (`options`), with the same
 * VALIDATION_FAILED answer as the DTOs give: every field checked, each problem named.
 */
export class PaymentOptions {
  private readonly errors: { field: string; message: string }[] = [];

  constructor(
    private readonly options: Record<string, unknown> = {},
    allowed: readonly string[],
    /** Where these fields sit in the request, for the error's `field` (nested objects: `options.card`). */
    private readonly path = 'options',
  ) {
    for (const key of Object.keys(options)) if (!allowed.includes(key)) this.errors.push({ field: `${path}.${key}`, message: `is not an option of this provider (${allowed.join(', ') || 'none'})` });
  }

  /** The problems found so far, to merge into an enclosing object's check. */
  problems(): { field: string; message: string }[] {
    return [...this.errors];
  }

  string(key: string, rule: { required?: boolean; pattern?: RegExp; max?: number; values?: readonly string[] } = {}): string | undefined {
    const value = this.options[key];
    if (value === undefined || value === null) {
      if (rule.required) this.errors.push({ field: `${this.path}.${key}`, message: 'is required' });
      return undefined;
    }
    if (typeof value !== 'string' || value.length === 0 || value.length > (rule.max ?? 200)) {
      this.errors.push({ field: `${this.path}.${key}`, message: `must be a string of 1 to ${rule.max ?? 200} characters` });
      return undefined;
    }
    if (rule.pattern && !rule.pattern.test(value)) this.errors.push({ field: `${this.path}.${key}`, message: `must match ${rule.pattern.source}` });
    if (rule.values && !rule.values.includes(value)) this.errors.push({ field: `${this.path}.${key}`, message: `must be one of: ${rule.values.join(', ')}` });
    return value;
  }

  object(key: string, rule: { required?: boolean } = {}): Record<string, unknown> | undefined {
    const value = this.options[key];
    if (value === undefined || value === null) {
      if (rule.required) this.errors.push({ field: `${this.path}.${key}`, message: 'is required' });
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.errors.push({ field: `${this.path}.${key}`, message: 'must be an object' });
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  /** Throws VALIDATION_FAILED listing every problem found so far, if any. */
  check(extra: { field: string; message: string }[] = []): void {
    const all = [...this.errors, ...extra];
    if (all.length) throw new AppError('VALIDATION_FAILED', `${all.length} field(s) are invalid.`, { errors: all });
  }
}
