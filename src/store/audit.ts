import type { Database } from 'better-sqlite3';
import type { AuditEntry } from './types.js';

interface AuditRecordRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  detail: string;
}

export type AuditRepository = ReturnType<typeof auditRepository>;

/** The append-only log of changes to keys and rules: who, when, what. Triggers refuse updates and deletes. */
export function auditRepository(db: Database) {
  const insert = db.prepare(
    'INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (@at, @actor, @action, @subject, @detail)',
  );
  const recent = db.prepare<[number], AuditRecordRow>('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?');

  return {
    append(entry: Omit<AuditEntry, 'id'>): void {
      insert.run({ ...entry, detail: JSON.stringify(entry.detail) });
    },
    recent: (limit: number): AuditEntry[] =>
      recent.all(limit).map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> })),
  };
}
