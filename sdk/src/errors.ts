import { type ErrorCode, errorCodeForStatus, type FieldError, Problem } from '../../src/contract/problem.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * Every error the SDK produces. Branch with `instanceof`, never on the message. Each class sets its
 * own `name`, so it survives minification in a browser bundle.
 */
export class VouchsafeError extends Error {
  override name = 'VouchsafeError';
}

/** The service answered with an error status. `problem` is its problem+json body, when it sent one. */
export class ApiError extends VouchsafeError {
  override name = 'ApiError';
  readonly status: number;
  readonly code: ErrorCode;
  readonly problem: Problem | undefined;
  readonly requestId: string | undefined;
  /** From `Retry-After`, when the service sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, problem: Problem | undefined, retryAfterMs?: number) {
    const code = problem?.code ?? errorCodeForStatus(status);
    super(`${status} ${code}${problem?.detail ? `: ${problem.detail}` : problem ? `: ${problem.title}` : ''}`);
    this.status = status;
    this.code = code;
    this.problem = problem;
    this.requestId = problem?.requestId;
    this.retryAfterMs = retryAfterMs;
  }
}

/** 400, 413, 415 and other refusals of the request itself: the same request will never succeed. */
export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
}
/** 401: the API key is missing, unknown or revoked; or a till token expired (`token_expired`) and no new one was had. */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}
/** 403: the key may not do this, or may not act for this store. */
export class PermissionError extends ApiError {
  override name = 'PermissionError';
}
/** 404: no such check (or not one this key may see). */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}
/** 409: `check_closed` (the check has an outcome, its basket cannot change) or `outcome_conflict`. */
export class ConflictError extends ApiError {
  override name = 'ConflictError';
}
/** 429: slow down; `retryAfterMs` says for how long when the service knows. */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
}
/** 5xx: the service failed; safe to retry. */
export class ServerError extends ApiError {
  override name = 'ServerError';
}

/** The request did not reach the service, or its answer did not come back: DNS, refused, reset, offline. */
export class ConnectionError extends VouchsafeError {
  override name = 'ConnectionError';
}
/** No answer within the time allowed. A kind of ConnectionError: the request may or may not have arrived. */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
}
/** Not sent: the service failed the last few requests, so the till decides offline without waiting until it answers again. */
export class ServiceAwayError extends ConnectionError {
  override name = 'ServiceAwayError';
}
/**
 * A browser till's token source (`getToken`) failed or gave no usable token: the back office is the
 * network the till could not reach. The call decides offline and what it queues is delivered later.
 */
export class TokenSourceError extends ConnectionError {
  override name = 'TokenSourceError';
}
/** A 2xx whose body is not what the contract says (a captive portal, a proxy's page): treated like a failed connection. */
export class InvalidResponseError extends VouchsafeError {
  override name = 'InvalidResponseError';
}

/**
 * A browser till's request was blocked by the browser because the service does not allow the page's
 * origin (CORS): the service is up — its `/healthz` answered — but `VOUCHSAFE_CORS_ORIGINS` does not
 * name `origin`. Not an outage, and not fixed by waiting: until the setting is fixed the till decides
 * offline and keeps what it queues, which is delivered once the origin is allowed.
 */
export class CorsError extends VouchsafeError {
  override name = 'CorsError';
  constructor(
    readonly origin: string,
    readonly serviceUrl: string,
  ) {
    super(`The service at ${serviceUrl} is up but does not allow requests from ${origin}: add ${origin} to its VOUCHSAFE_CORS_ORIGINS`);
  }
}

/** The request breaks the contract and was not sent. `errors` has the same shape as the service's. */
export class ValidationError extends VouchsafeError {
  override name = 'ValidationError';
  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((error) => `${error.field}: ${error.message}`).join('; '));
  }
}
/** A `local_…` check id this till never gave out (or has forgotten since a restart without its outbox). */
export class UnknownCheckError extends VouchsafeError {
  override name = 'UnknownCheckError';
}
/** The client was closed. */
export class ClosedError extends VouchsafeError {
  override name = 'ClosedError';
}


const CLASS_BY_STATUS: Partial<Record<number, typeof ApiError>> = {
  401: AuthenticationError,
  403: PermissionError,
  404: NotFoundError,
  408: ApiError,
  409: ConflictError,
  429: RateLimitError,
};

/** The one place a status and body become an error: the class follows the status, the details the problem. */
export function apiError(status: number, problem: Problem | undefined, retryAfterMs?: number): ApiError {
  const ErrorClass = CLASS_BY_STATUS[status] ?? (status >= 500 ? ServerError : BadRequestError);
  return new ErrorClass(status, problem, retryAfterMs);
}

/** Builds the error for an HTTP answer, reading the problem+json body when there is one. */
export function errorFromResponse(status: number, body: string, headers: Headers, now = Date.now()): ApiError {
  let problem: Problem | undefined;
  try {
    const parsed = Problem.safeParse(JSON.parse(body));
    if (parsed.success) problem = parsed.data;
  } catch {
    // Not JSON: a proxy's error page. The status alone decides.
  }
  return apiError(status, problem, parseRetryAfter(headers.get('retry-after'), now));
}

/**
 * Connection trouble, 408, 429 and 5xx: the same request may succeed later. So may one the browser
 * blocked (CORS), once the service's setting is fixed: it stays queued. Everything else will not.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ConnectionError || error instanceof InvalidResponseError || error instanceof CorsError) return true;
  return error instanceof ApiError && (error.status === 408 || error.status === 429 || error.status >= 500);
}
