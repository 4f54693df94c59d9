import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ActiveRuleSet } from '../../../contract/rule-set.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, header, json, notModified } from '../responses.js';

const route = createRoute({
  method: 'get',
  path: '/v1/rules',
  operationId: 'getRules',
  tags: ['Rules'],
  summary: 'The active rule set',
  description:
    'The rule set checks are decided with: its version, every rule as written, the facts a condition can read, and the YAML files themselves. Till keys may read it too: the SDK compiles it to decide offline when the service cannot be reached. Sends an ETag; send it back as If-None-Match to get 304 when nothing changed.',
  middleware: [requireKey({ roles: ['till', 'analyst', 'admin'], worlds: 'own' })] as const,
  responses: {
    200: json(ActiveRuleSet, 'The active rule set.', header.etag),
    ...notModified,
    ...commonErrors,
  },
});

export function registerGetRules(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, (c) => {
    const active = c.get('services').rules;
    const ruleSet = active.current;
    const etag = `"${ruleSet.contentHash}"`;
    c.header('ETag', etag);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    return c.json(
      {
        version: ruleSet.version,
        contentHash: ruleSet.contentHash,
        activatedAt: new Date(active.activatedAt).toISOString(),
        bands: ruleSet.bands,
        holds: ruleSet.holds,
        lists: Object.fromEntries(Object.entries(ruleSet.lists).map(([name, values]) => [name, [...values]])),
        rules: ruleSet.rules.map(({ file, definition }) => ({
          id: definition.id,
          file,
          ...(definition.description ? { description: definition.description } : {}),
          when: definition.when,
          score: definition.score ?? 0,
          ...(definition.action ? { action: definition.action } : {}),
          mode: definition.mode,
          reason: definition.reason,
          ...(definition.prompt ? { prompt: definition.prompt } : {}),
        })),
        questions: ruleSet.prompts.questions,
        facts: [...ruleSet.facts.reference],
        source: ruleSet.source,
      },
      200,
    );
  });
}
