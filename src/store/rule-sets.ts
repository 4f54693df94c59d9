import type { Database } from 'better-sqlite3';
import type { ActivationRow, RuleSetRow } from './types.js';

interface RuleSetRecordRow {
  version: string;
  content_hash: string;
  source: string;
  created_at: number;
  created_by: string;
  note: string | null;
  status: RuleSetRow['status'];
  reviewed_by: string | null;
  reviewed_at: number | null;
}

interface ActivationRecordRow {
  version: string;
  activated_at: number;
  activated_by: string;
}

const toRuleSet = (row: RuleSetRecordRow): RuleSetRow => ({
  version: row.version,
  contentHash: row.content_hash,
  source: JSON.parse(row.source),
  createdAt: row.created_at,
  createdBy: row.created_by,
  note: row.note,
  status: row.status,
  reviewedBy: row.reviewed_by,
  reviewedAt: row.reviewed_at,
});

const toActivation = (row: ActivationRecordRow): ActivationRow => ({
  version: row.version,
  activatedAt: row.activated_at,
  activatedBy: row.activated_by,
});

export type RuleSetsRepository = ReturnType<typeof ruleSetsRepository>;

export function ruleSetsRepository(db: Database) {
  const insert = db.prepare(`
    INSERT INTO rule_sets (version, content_hash, source, created_at, created_by, note, status, reviewed_by, reviewed_at)
    VALUES (@version, @contentHash, @source, @createdAt, @createdBy, @note, @status, @reviewedBy, @reviewedAt)
  `);
  const byVersion = db.prepare<[string], RuleSetRecordRow>('SELECT * FROM rule_sets WHERE version = ?');
  const all = db.prepare<[], RuleSetRecordRow>('SELECT * FROM rule_sets ORDER BY created_at DESC, version DESC');
  const review = db.prepare(
    "UPDATE rule_sets SET status = @status, reviewed_by = @reviewedBy, reviewed_at = @reviewedAt WHERE version = @version AND status = 'pending'",
  );
  const activate = db.prepare(
    'INSERT INTO rule_set_activations (version, activated_at, activated_by) VALUES (@version, @activatedAt, @activatedBy)',
  );
  const activations = db.prepare<[number], ActivationRecordRow>(
    'SELECT version, activated_at, activated_by FROM rule_set_activations ORDER BY id DESC LIMIT ?',
  );

  return {
    insert(ruleSet: RuleSetRow): void {
      insert.run({ ...ruleSet, source: JSON.stringify(ruleSet.source) });
    },
    find: (version: string) => {
      const row = byVersion.get(version);
      return row && toRuleSet(row);
    },
    list: () => all.all().map(toRuleSet),
    /** Approves or rejects a pending version; false if it was not pending. */
    review: (version: string, status: 'approved' | 'rejected', reviewedBy: string, reviewedAt: number) =>
      review.run({ version, status, reviewedBy, reviewedAt }).changes === 1,
    activate(activation: ActivationRow): void {
      activate.run(activation);
    },
    active: () => {
      const row = activations.get(1);
      return row && toActivation(row);
    },
    /** Activations, newest first. */
    activations: (limit = 1000) => activations.all(limit).map(toActivation),
  };
}
