import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  TimeoutError,
  VouchsafeError,
  errorFromResponse,
  isRetryable,
} from '../../sdk/src/errors.js';

const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: `urn:vouchsafe:problem:${code}`, title: 'A title', status, code, requestId: 'req-1', ...extra });

describe('errors from the service', () => {
  it('are one class per status family, all ApiErrors and VouchsafeErrors', () => {
    const cases = [
      [400, 'validation_failed', BadRequestError],
      [401, 'unauthorized', AuthenticationError],
      [403, 'store_forbidden', PermissionError],
      [404, 'not_found', NotFoundError],
      [409, 'outcome_conflict', ConflictError],
      [413, 'payload_too_large', BadRequestError],
      [429, 'rate_limited', RateLimitError],
      [500, 'internal_error', ServerError],
      [503, 'service_unavailable', ServerError],
    ] as const;
    for (const [status, code, ErrorClass] of cases) {
      const error = errorFromResponse(status, problem(status, code), new Headers());
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toBeInstanceOf(VouchsafeError);
      expect(error).toMatchObject({ status, code, requestId: 'req-1', name: ErrorClass.name });
    }
  });

  it('keep the problem body, with the field at fault', () => {
    const body = problem(400, 'validation_failed', {
      detail: 'lines[0].quantity: Too big',
      field: 'lines[0].quantity',
      errors: [{ field: 'lines[0].quantity', code: 'too_big', message: 'Too big' }],
    });
    const error = errorFromResponse(400, body, new Headers());
    expect(error.problem?.field).toBe('lines[0].quantity');
    expect(error.message).toContain('lines[0].quantity: Too big');
  });

  it('still have a class and a code when the body is a proxy’s HTML page', () => {
    const error = errorFromResponse(502, '<html>Bad gateway</html>', new Headers());
    expect(error).toBeInstanceOf(ServerError);
    expect(error.code).toBe('internal_error');
    expect(error.problem).toBeUndefined();
  });

  it('carry Retry-After', () => {
    const error = errorFromResponse(429, problem(429, 'rate_limited'), new Headers({ 'retry-after': '7' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(7000);
  });
});

describe('what is worth retrying', () => {
  it('is connection trouble, timeouts, 408, 429 and 5xx — never another 4xx', () => {
    const status = (code: number) => errorFromResponse(code, '', new Headers());
    expect(isRetryable(new ConnectionError('refused'))).toBe(true);
    expect(isRetryable(new TimeoutError('slow'))).toBe(true);
    for (const code of [408, 429, 500, 502, 503, 504]) expect(isRetryable(status(code))).toBe(true);
    for (const code of [400, 401, 403, 404, 409, 413, 415]) expect(isRetryable(status(code))).toBe(false);
  });
});
