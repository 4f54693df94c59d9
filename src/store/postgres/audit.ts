import type { AuditRepository } from '../audit.js';
import type { Port } from '../port.js';
import type { AuditEntry } from '../types.js';
import { json, type Queryable } from './sql.js';

/** The append-only log of changes to keys and rules: who, when, what. Triggers refuse updates and deletes. */
export function auditRepository(sql: Queryable): Port<AuditRepository> {
  return {
    async append(entry) {
      await sql`
        INSERT INTO audit_log (at, actor, action, subject, detail)
        VALUES (${entry.at}, ${entry.actor}, ${entry.action}, ${entry.subject}, ${json(entry.detail)}::jsonb)`;
    },
    async recent(limit) {
      return [...(await sql<AuditEntry[]>`SELECT id, at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ${limit}`)];
    },
  };
}
