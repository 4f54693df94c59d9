import type { z } from 'zod';
import { type ErrorCode, type FieldError, fieldErrors } from './contract/problem.js';

/**
 * The one error the domain throws: a stable code and what went wrong, with no HTTP in it. The HTTP edge
 * (`src/http/problem.ts`) maps the code to a status and a problem+json body; the CLI prints the detail.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  /** More members for the problem body, e.g. the rule-set problems of a refused publish. */
  readonly extra: Record<string, unknown> | undefined;
  /** For a refusal that passes (busy, storage full): when to try again, in seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldError[]; extra?: Record<string, unknown>; cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(detail ?? code, { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.extra = options.extra;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A failed parse as a `validation_failed` error naming every field at fault. */
export function validationError(error: z.ZodError, where: 'body' | 'query' | 'path' = 'body'): DomainError {
  const prefix = where === 'body' ? [] : [where];
  const errors = fieldErrors(error, prefix);
  return new DomainError('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

/** One field at fault, as a `validation_failed` error. */
export function invalidField(field: string, code: string, message: string): DomainError {
  return new DomainError('validation_failed', `${field}: ${message}`, { errors: [{ field, code, message }] });
}
