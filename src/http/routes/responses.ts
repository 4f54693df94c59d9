import { z } from 'zod';
import { Problem } from '../../contract/problem.js';
import { FailedRuleTest, RuleSetProblemSchema } from '../../contract/rule-lifecycle.js';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const commonErrors = {
  401: problem('No API key, or an unknown or revoked one (`unauthorized`).'),
  403: problem('The key’s role or stores do not allow this (`forbidden`, `store_forbidden`).'),
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

export const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

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
