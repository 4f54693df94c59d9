import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorCode, errorCodeForStatus, type FieldError, type Problem } from '../contract/problem.js';
import { DomainError } from '../errors.js';
import { StorageUnavailable } from '../store/index.js';

/** How long a client should wait before retrying a write the storage refused. */
const STORAGE_RETRY_SECONDS = 30;

/** Every code's HTTP status: the one place a domain outcome becomes a number. */
export const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  validation_failed: 400,
  malformed_json: 400,
  unknown_question: 400,
  invalid_answer: 400,
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  store_forbidden: 403,
  till_forbidden: 403,
  live_key_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  check_closed: 409,
  outcome_conflict: 409,
  idempotency_key_reused: 409,
  outcome_conflicts_with_decision: 409,
  not_held: 409,
  review_closed: 409,
  case_status_conflict: 409,
  freeze_result_conflict: 409,
  card_not_in_case: 422,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rule_set_invalid: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
  storage_unavailable: 503,
  card_capture_off: 422,
};

export const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid',
  malformed_json: 'The request body is not valid JSON',
  unsupported_media_type: 'Send the body as application/json',
  payload_too_large: 'The request body is too large',
  unauthorized: 'A valid API key is needed',
  token_expired: 'The till token has expired',
  forbidden: 'This key may not do that',
  store_forbidden: 'This key may not act for that store',
  till_forbidden: 'This till token may not act for that till',
  live_key_required: 'This needs a live key; this is a test key',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  unknown_question: 'No such question',
  invalid_answer: 'That is not one of the question’s answers',
  check_closed: 'The check already has an outcome',
  outcome_conflict: 'The check already has a different outcome',
  idempotency_key_reused: 'That Idempotency-Key was used for a different request',
  outcome_conflicts_with_decision: 'That outcome contradicts the decision',
  not_held: 'The check was not held',
  review_closed: 'The hold has already been decided',
  case_status_conflict: 'The case cannot move to that status from where it stands',
  freeze_result_conflict: 'That card already has a different freeze result',
  card_not_in_case: 'That card was not sold in this case’s check',
  rule_set_invalid: 'The rule set is not valid',
  conflict: 'Conflict',
  rate_limited: 'Too many requests',
  internal_error: 'Something went wrong on our side',
  service_unavailable: 'The service is not ready',
  storage_unavailable: 'The database cannot be written just now',
  card_capture_off: 'This service does not keep the cards sold',
};

/** A domain error that also needs response headers (`WWW-Authenticate`, `Retry-After`): thrown only by the HTTP layer. */
export class HttpProblem extends DomainError {
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, detail: string | undefined, headers: Record<string, string>) {
    super(code, detail);
    this.headers = headers;
  }
}

/** Where each code's page is (`GET /problems/{code}`), on the service that answered. */
export const problemPath = (code: ErrorCode) => `/problems/${code}`;

export function problemBody(c: Context, code: ErrorCode, detail?: string, errors?: FieldError[], status = STATUS_BY_CODE[code]): Problem {
  return {
    // A URL a person can open (RFC 9457 §3.1.1): the page says what the code means and what to do.
    type: new URL(problemPath(code), c.req.url).href,
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
    if (err instanceof DomainError) {
      const headers: Record<string, string> = err instanceof HttpProblem ? { ...err.headers } : {};
      if (err.retryAfterSeconds !== undefined) headers['Retry-After'] = String(err.retryAfterSeconds);
      return problemResponse({ ...problemBody(c, err.code, err.detail, err.errors), ...err.extra }, headers);
    }
    if (err instanceof StorageUnavailable) {
      logger.error('write refused: storage unavailable', { requestId: c.get('requestId' as never), path: c.req.path, error: err.message });
      return problemResponse(problemBody(c, 'storage_unavailable', 'Nothing was recorded; try again shortly'), { 'Retry-After': String(STORAGE_RETRY_SECONDS) });
    }
    if (err instanceof HTTPException && err.status < 500) {
      return problemResponse(problemBody(c, errorCodeForStatus(err.status), err.message, undefined, err.status));
    }
    logger.error('request failed', {
      requestId: c.get('requestId' as never),
      method: c.req.method,
      path: c.req.path,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    return problemResponse(problemBody(c, 'internal_error'));
  };
}
