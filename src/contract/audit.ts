import { z } from 'zod';
import { Timestamp } from './common.js';

export const AuditEntry = z
  .object({
    id: z.number().int(),
    at: Timestamp,
    actor: z.string().meta({ description: 'The key id that acted, or `system`, `bootstrap` or `cli`.', example: 'key_01m888pphf6aqj05zfnmcgcdk1' }),
    action: z.string().meta({ description: 'What happened, e.g. `key.created`, `rules.published`, `rules.rolled_back`.', example: 'rules.published' }),
    subject: z.string().nullable().meta({ description: 'What it happened to: a key id or a rule set version.' }),
    detail: z.record(z.string(), z.unknown()).meta({ description: 'The particulars, e.g. `{ from, to, note }` for a rule set change.' }),
  })
  .meta({ id: 'AuditEntry' });

export const AuditLog = z.object({ entries: z.array(AuditEntry) }).meta({ id: 'AuditLog' });

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).meta({ param: { name: 'limit', in: 'query' }, description: 'How many of the newest entries.' }),
});
