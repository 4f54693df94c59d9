import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { OfflinePolicy, OfflinePolicyVectors } from '../../../contract/offline-policy.js';
import { offlinePolicy, offlinePolicyConformance } from '../../../rule-sets/offline-policy.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { AcceptLanguageHeader } from '../../../contract/common.js';
import { acceptedLanguages, localeOf } from '../../../engine/index.js';
import { commonErrors, header, json, notModified } from '../responses.js';

const policyRoute = createRoute({
  method: 'get',
  path: '/v1/rules/offline-policy',
  operationId: 'getOfflinePolicy',
  tags: ['Rules'],
  summary: 'The rule set as a decision table, for tills that decide offline',
  description: [
    'For tills that cannot run the engine (Java, C#, Python…): the active rule set compiled to a small decision table over what the till knows of one basket — stored value, count, largest card, brands, age band, tender, lane, the signals the colleague ticked and the answers so far — with the scripts to show.',
    '',
    'Fetch it at start and every few minutes (send the ETag back as If-None-Match: 304 when unchanged), keep the last copy on disk, and evaluate it whenever Vouchsafe does not answer a check within the till’s time budget. Then queue the check and send it when the service is back, with `offlineDecision` saying what the colleague was shown.',
    '',
    'It assumes a customer with no history, and is never weaker than the service for one: where the table cannot express a rule exactly, the rule is marked `exact: false` and the table errs towards caution. `GET /v1/rules/offline-policy/vectors` gives baskets with the decisions an evaluator must reach.',
    '',
    'The scripts are in the language `Accept-Language` asks for, the closest the rule set has (else its default): a till in Wales fetches `cy-GB`. `Content-Language` and the policy’s `locale` say which.',
  ].join('\n'),
  middleware: [requireKey({ roles: ['till', 'analyst', 'admin'], worlds: 'own' })] as const,
  request: { headers: AcceptLanguageHeader },
  responses: {
    200: json(OfflinePolicy, 'The offline policy of the active rule set.', { ...header.etag, ...header.contentLanguage }),
    ...notModified,
    ...commonErrors,
  },
});

const vectorsRoute = createRoute({
  method: 'get',
  path: '/v1/rules/offline-policy/vectors',
  operationId: 'getOfflinePolicyVectors',
  tags: ['Rules'],
  summary: 'Conformance vectors for an offline policy evaluator',
  description:
    'Baskets, each with the facts a till should work out from it and the decision the offline policy gives, generated from the engine for the active rule set: every story in the rule files’ tests, then baskets either side of every amount the table tests. Run an evaluator over them in CI; `examples/python/` does. `service` is what the service decides for the same basket and a customer with no history: never stronger than the policy’s action. Sends an ETag, like the policy.',
  middleware: [requireKey({ roles: ['till', 'analyst', 'admin'], worlds: 'own' })] as const,
  responses: {
    200: json(OfflinePolicyVectors, 'The vectors.', header.etag),
    ...notModified,
    ...commonErrors,
  },
});

export function registerOfflinePolicy(api: OpenAPIHono<AppEnv>) {
  api.openapi(policyRoute, (c) => {
    const { rules, reviews } = c.get('services');
    const ruleSet = rules.current;
    const { body, etag } = offlinePolicy(ruleSet, localeOf(ruleSet, acceptedLanguages(c.req.valid('header')['accept-language'])), reviews.holdDeadlineMs);
    c.header('ETag', etag);
    c.header('Content-Language', body.locale);
    c.header('Vary', 'Accept-Language', { append: true });
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    return c.json(body, 200);
  });
  api.openapi(vectorsRoute, (c) => {
    const { body, etag } = offlinePolicyConformance(c.get('services').rules.current);
    c.header('ETag', etag);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    return c.json(body, 200);
  });
}
