import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { Text } from '../../../contract/common.js';
import { RuleSetVersionDetail, RuleSetVersions } from '../../../contract/rule-lifecycle.js';
import { DomainError } from '../../../errors.js';
import type { RuleSetRow } from '../../../store/index.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, json, notFound } from '../responses.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toVersion(row: RuleSetRow, active: string) {
  return {
    version: row.version,
    contentHash: row.contentHash,
    status: row.status,
    active: row.version === active,
    note: row.note,
    createdAt: iso(row.createdAt)!,
    createdBy: row.createdBy,
    reviewedBy: row.reviewedBy,
    reviewedAt: iso(row.reviewedAt),
  };
}

const list = createRoute({
  method: 'get',
  path: '/v1/rules/versions',
  operationId: 'listRuleVersions',
  tags: ['Rules'],
  summary: 'Every rule set version',
  description: 'Every version ever published (pending, approved or rejected), newest first, and the history of which was active when.',
  middleware: [requireKey({ roles: ['analyst', 'admin'], worlds: 'live' })] as const,
  responses: { 200: json(RuleSetVersions, 'The versions.'), ...commonErrors },
});

const one = createRoute({
  method: 'get',
  path: '/v1/rules/versions/{version}',
  operationId: 'getRuleVersion',
  tags: ['Rules'],
  summary: 'One rule set version, with its files',
  middleware: [requireKey({ roles: ['analyst', 'admin'], worlds: 'live' })] as const,
  request: { params: z.object({ version: Text().min(1).max(64).meta({ param: { name: 'version', in: 'path' } }) }) },
  responses: { 200: json(RuleSetVersionDetail, 'The version and its YAML files.'), ...commonErrors, ...notFound },
});

export function registerRuleVersions(api: OpenAPIHono<AppEnv>) {
  api.openapi(list, async (c) => {
    const { store, rules } = c.get('services');
    const active = rules.current.version;
    return c.json(
      {
        active,
        versions: (await store.ruleSets.list()).map((row) => toVersion(row, active)),
        activations: (await store.ruleSets.activations()).map((a) => ({ version: a.version, activatedAt: iso(a.activatedAt)!, activatedBy: a.activatedBy })),
      },
      200,
    );
  });
  api.openapi(one, async (c) => {
    const { version } = c.req.valid('param');
    const { store, rules } = c.get('services');
    const row = await store.ruleSets.find(version);
    if (!row) throw new DomainError('not_found', `No rule set version ${version}`);
    return c.json({ ...toVersion(row, rules.current.version), source: row.source }, 200);
  });
}
