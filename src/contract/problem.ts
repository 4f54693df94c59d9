import { z } from 'zod';
import { isSecretFieldName, secretMessage } from './cards.js';

export const ErrorCode = z
  .enum([
    'validation_failed',
    'malformed_json',
    'unsupported_media_type',
    'payload_too_large',
    'unauthorized',
    'token_expired',
    'forbidden',
    'store_forbidden',
    'till_forbidden',
    'live_key_required',
    'not_found',
    'method_not_allowed',
    'unknown_question',
    'invalid_answer',
    'check_closed',
    'outcome_conflict',
    'idempotency_key_reused',
    'outcome_conflicts_with_decision',
    'not_held',
    'review_closed',
    'case_status_conflict',
    'freeze_result_conflict',
    'card_not_in_case',
    'rule_set_invalid',
    'conflict',
    'rate_limited',
    'internal_error',
    'service_unavailable',
    'storage_unavailable',
    'card_capture_off',
  ])
  .meta({
    id: 'ErrorCode',
    description: 'Stable, machine-readable error code. Branch on this, never on the title or detail text.',
    example: 'validation_failed',
  });
export type ErrorCode = z.infer<typeof ErrorCode>;

export const FieldError = z
  .object({
    field: z.string().meta({ description: 'Path of the field at fault, in dot and bracket form.', example: 'lines[0].quantity' }),
    code: z.string().meta({ description: 'What was wrong with it.', example: 'too_big' }),
    message: z.string().meta({ example: 'Too big: expected number to be <=999' }),
  })
  .meta({ id: 'FieldError' });
export type FieldError = z.infer<typeof FieldError>;

export const Problem = z
  .object({
    type: z.string().meta({
      description: 'The URL of the code’s documentation page on this service (`/problems/{code}`). Branch on `code`, not on this: its host is the one the request went to.',
      example: 'http://127.0.0.1:8787/problems/validation_failed',
    }),
    title: z.string().meta({ example: 'The request body is not valid' }),
    status: z.number().int().meta({ example: 400 }),
    code: ErrorCode,
    detail: z.string().optional().meta({ example: 'lines[0].quantity: Too big: expected number to be <=999' }),
    instance: z.string().optional().meta({ description: 'The request path.', example: '/v1/checks' }),
    requestId: z.string().meta({ description: 'Quote this when asking for help; it is in the service log.', example: '9b2c0d3e-1f4a-4b5c-8d6e-7f8091a2b3c4' }),
    field: z.string().optional().meta({ description: 'The first field at fault, when one is.', example: 'lines[0].quantity' }),
    errors: z.array(FieldError).optional().meta({ description: 'Every field at fault.' }),
  })
  .meta({ id: 'Problem', description: 'An error, as RFC 9457 problem details (`application/problem+json`).' });
export type Problem = z.infer<typeof Problem>;

/** `lines[0].quantity` from zod's `['lines', 0, 'quantity']`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out || '(body)';
}

/** Edits (insert, delete, replace, case counted as a difference) between two short names. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** The known key a misspelt one most likely meant: same letters ignoring case, or within two edits (one for short names). */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const exact = known.find((name) => name.toLowerCase() === key.toLowerCase());
  if (exact) return exact;
  const most = key.length <= 4 ? 1 : 2;
  let best: { name: string; edits: number } | undefined;
  for (const name of known) {
    const edits = distance(key.toLowerCase(), name.toLowerCase());
    if (edits <= most && (!best || edits < best.edits)) best = { name, edits };
  }
  return best?.name;
}

// A misspelt field is refused (objects are strict); say which field was meant, from the object's own keys.
z.config({
  customError(issue) {
    if (issue.code !== 'unrecognized_keys' || issue.keys.length !== 1) return undefined;
    const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
    const meant = shape && didYouMean(issue.keys[0]!, Object.keys(shape));
    return `Unrecognized key: "${issue.keys[0]}"${meant ? `; did you mean "${meant}"?` : ''}`;
  },
});

/** The field errors of a failed parse, as the service reports them and the till SDK throws them. */
export function fieldErrors(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    // An unknown key is reported on the object; name each key itself, so the caller sees the misspelling.
    if (issue.code === 'unrecognized_keys') {
      // One key: the message is the one below, with its "did you mean".
      const message = (key: string) => (issue.keys.length === 1 ? issue.message : `Unrecognized key: "${key}"`);
      return issue.keys.map((key) =>
        // A card's PIN or redemption code is refused by name, wherever it was put, so the till learns why.
        isSecretFieldName(key)
          ? { field: fieldPath([...prefix, ...issue.path, key]), code: 'secret_field', message: secretMessage('secret_field', key) }
          : { field: fieldPath([...prefix, ...issue.path, key]), code: issue.code, message: message(key) },
      );
    }
    // A refinement may name its own stable code (`looks_like_pin`), for tills to branch on.
    const code = issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : issue.code;
    return [{ field: fieldPath([...prefix, ...issue.path]), code, message: issue.message }];
  });
}

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** The code for an error that arrived without one (a proxy's page, a framework's own error): by its status. */
export function errorCodeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'validation_failed');
}
