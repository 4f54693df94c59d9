import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { type ErrorCode, errorCodeForStatus, type FieldError, fieldErrors, type Problem } from './contract/problem.js';

const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid',
  malformed_json: 'The request body is not valid JSON',
  unsupported_media_type: 'Send the body as application/json',
  payload_too_large: 'The request body is too large',
  unauthorized: 'A valid API key is needed',
  forbidden: 'This key may not do that',
  store_forbidden: 'This key may not act for that store',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  unknown_question: 'No such question',
  invalid_answer: 'That is not one of the question’s answers',
  check_closed: 'The check already has an outcome',
  outcome_conflict: 'The check already has a different outcome',
  rule_set_invalid: 'The rule set is not valid',
  conflict: 'Conflict',
  rate_limited: 'Too many requests',
  internal_error: 'Something went wrong on our side',
  service_unavailable: 'The service is not ready',
};

/** The one error type routes throw. `onError` turns it into problem+json. */
export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: ErrorCode,
    options: {
      detail?: string;
      errors?: FieldError[];
      cause?: unknown;
      /** More members for the problem body, e.g. the rule-set problems of a refused publish. */
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(status, { message: options.detail ?? TITLES[code], cause: options.cause });
    this.code = code;
    this.detail = options.detail;
    this.errors = options.errors;
    this.extra = options.extra;
    this.headers = options.headers ?? {};
  }
}

export function validationError(error: z.ZodError, where: 'body' | 'query' | 'path' = 'body'): ApiError {
  const prefix = where === 'body' ? [] : [where];
  const errors = fieldErrors(error, prefix);
  return new ApiError(400, 'validation_failed', {
    detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  });
}

export function problemBody(c: Context, status: number, code: ErrorCode, detail?: string, errors?: FieldError[]): Problem {
  return {
    type: `urn:vouchsafe:problem:${code}`,
    title: TITLES[code],
    status,
    code,
    ...(detail && detail !== TITLES[code] ? { detail } : {}),
    instance: c.req.path,
    requestId: (c.get('requestId' as never) as string | undefined) ?? 'unknown',
    ...(errors?.length ? { field: errors[0]!.field, errors } : {}),
  };
}

export function problemResponse(problem: Problem & Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': problem.requestId, ...headers },
  });
}

export interface ErrorLogger {
  error(message: string, fields: Record<string, unknown>): void;
}

/** The one place an error becomes a response. A 5xx never shows its cause to the client; the log has it. */
export function errorHandler(logger: ErrorLogger) {
  return function handleError(err: Error, c: Context): Response {
    if (err instanceof ApiError) {
      return problemResponse({ ...problemBody(c, err.status, err.code, err.detail, err.errors), ...err.extra }, err.headers);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const code = errorCodeForStatus(err.status);
      return problemResponse(problemBody(c, err.status, code, err.message));
    }
    logger.error('request failed', {
      requestId: c.get('requestId' as never),
      method: c.req.method,
      path: c.req.path,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    return problemResponse(problemBody(c, 500, 'internal_error'));
  };
}
