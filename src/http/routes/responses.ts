import { z } from 'zod';
import { Problem } from '../../contract/problem.js';
import { FailedRuleTest, RuleSetProblemSchema } from '../../contract/rule-lifecycle.js';

/**
 * How a route describes itself in the OpenAPI document, so that clients generated from it with
 * default settings work and `redocly lint` (recommended rules) stays clean — `tests/http/openapi.test.ts`
 * holds every route to this:
 * - `operationId`: a verb and a noun in lowerCamelCase, named for what a generated client calls
 *   (`createCheck`, `listKeys`, `getOfflinePolicy`); unique.
 * - responses from the helpers below: success bodies with `json()`, errors as problem+json (spread
 *   `commonErrors`, and `bodyErrors`, `queryErrors`, `notFound`, `conflict()`, `rateLimited()` where
 *   they apply), so every operation documents its 4xx.
 * - every header the route sets, from `header` (the components in `RESPONSE_HEADERS`). `X-Request-Id`
 *   is on every response, so the document builder (`src/http/openapi.ts`) adds it everywhere.
 */

interface HeaderComponent {
  description: string;
  schema: { type: 'string' | 'integer'; enum?: string[]; minimum?: number; example?: string | number };
}

/** Reusable response headers, registered once as `components.headers`. */
export const RESPONSE_HEADERS = {
  RequestId: {
    description:
      'The request’s id: the `X-Request-Id` a trusted proxy sent (VOUCHSAFE_TRUST_PROXY; at most 128 letters, digits and `._:/+=@-`), otherwise one the service made. Also in any problem body (`requestId`), on every log line of the request, and as `X-Request-Id` on the webhooks it causes. Quote it when asking for help.',
    schema: { type: 'string', example: '9b2c0d3e-1f4a-4b5c-8d6e-7f8091a2b3c4' },
  },
  IdempotentReplayed: {
    description: 'Present (`true`) when this request repeated one already acted on: the response is the earlier result, and nothing was recorded twice.',
    schema: { type: 'string', enum: ['true'] },
  },
  ContentLanguage: {
    description: 'The language of the decision’s texts (its `locale`): the check’s `locale`, else its store’s, else (for a store the registry lacks) the best of `Accept-Language`, else the rule set’s default.',
    schema: { type: 'string', example: 'cy-GB' },
  },
  Location: {
    description: 'The URL of the resource made or found.',
    schema: { type: 'string', example: '/v1/checks/chk_01m888psdy7yqz3cp2mv2b0bjm' },
  },
  ETag: {
    description: 'A fingerprint of the content. Send it back as `If-None-Match` to get 304 when nothing changed.',
    schema: { type: 'string', example: '"498c7cc2fc76c540"' },
  },
  RetryAfter: {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 0, example: 10 },
  },
  WWWAuthenticate: {
    description: 'The authentication scheme to use (RFC 6750): `Bearer`, with `error="invalid_token"` for an unknown or revoked key or till token (and `error_description="expired"` for an expired till token).',
    schema: { type: 'string', example: 'Bearer realm="vouchsafe", error="invalid_token"' },
  },
  CacheControl: {
    description: 'How the response may be cached: `no-store` for secrets and private figures.',
    schema: { type: 'string', example: 'private, no-store' },
  },
  ContentDisposition: {
    description: 'The file name to save the attachment as.',
    schema: { type: 'string', example: 'attachment; filename="vouchsafe-checks-2017-10-01-to-2017-10-31.csv"' },
  },
} satisfies Record<string, HeaderComponent>;

const ref = (name: keyof typeof RESPONSE_HEADERS) => ({ $ref: `#/components/headers/${name}` });

/** Headers a route sets, by the name the response carries them under. */
export const header = {
  replayed: { 'Idempotent-Replayed': ref('IdempotentReplayed') },
  location: { Location: ref('Location') },
  contentLanguage: { 'Content-Language': ref('ContentLanguage') },
  etag: { ETag: ref('ETag') },
  retryAfter: { 'Retry-After': ref('RetryAfter') },
  cacheControl: { 'Cache-Control': ref('CacheControl') },
  contentDisposition: { 'Content-Disposition': ref('ContentDisposition') },
} as const;

/** The header every response carries, added by the document builder. */
export const REQUEST_ID_HEADER = { 'X-Request-Id': ref('RequestId') } as const;

type Headers = Record<string, { $ref: string }>;

const problem = (description: string, headers?: Headers) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: Problem } },
});

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const commonErrors = {
  401: problem('No API key, or an unknown or revoked one (`unauthorized`); a till token past its expiry (`token_expired`: get a new one).', { 'WWW-Authenticate': ref('WWWAuthenticate') }),
  403: problem('The key’s role or stores do not allow this (`forbidden`, `store_forbidden`), a till token was sent for another till (`till_forbidden`), or a test key asked for what only a live key may do (`live_key_required`).'),
  429: problem('Too many wrong keys from this client this minute, or the workers for heavy work are busy (`rate_limited`); wait for `Retry-After` seconds.'),
  500: problem('Something failed on our side (`internal_error`). Quote the requestId.'),
  503: problem('The database cannot be written (`storage_unavailable`: the disk is full or failing); nothing was recorded. Retry after `Retry-After` seconds.'),
} as const;

export const bodyErrors = {
  400: problem('The body is not valid (`validation_failed`, with the field at fault) or not JSON (`malformed_json`).'),
  413: problem('The body is larger than the limit (`payload_too_large`).'),
  415: problem('The body is not application/json (`unsupported_media_type`).'),
} as const;

export const queryErrors = {
  400: problem('A query parameter is not valid (`validation_failed`, with the field at fault).'),
} as const;

export const notFound = { 404: problem('No such resource (`not_found`).') } as const;
export const conflict = (description: string) => ({ 409: problem(description) }) as const;
export const rateLimited = (description: string) => ({ 429: problem(description, header.retryAfter) }) as const;
export const unprocessable = (description: string) => ({ 422: problem(description) }) as const;
export const unavailable = (description: string) => ({ 503: problem(description) }) as const;

export const json = <T>(schema: T, description: string, headers?: Headers) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema } },
});

export const notModified = {
  304: { description: 'Unchanged since the ETag sent in If-None-Match.', headers: header.etag },
} as const;

export const ruleSetRefused = {
  422: {
    description:
      'The rule set does not parse, type-check or pass its own tests (`rule_set_invalid`). `problems` names the file, rule and line of each; `failedTests` says what each failing test expected and got. Nothing changed.',
    content: {
      'application/problem+json': {
        schema: Problem.extend({ problems: z.array(RuleSetProblemSchema), failedTests: z.array(FailedRuleTest) }),
      },
    },
  },
} as const;
