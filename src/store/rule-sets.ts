import type { Database } from 'better-sqlite3';
import type { ActivationRow, RuleSetRow } from './types.js';

interface RuleSetRecordRow {
  version: string;
  content_hash: string;
  source: string;
  created_at: number;
  created_by: string;
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
});

const toActivation = (row: ActivationRecordRow): ActivationRow => ({
  version: row.version,
  activatedAt: row.activated_at,
  activatedBy: row.activated_by,
});

export type RuleSetsRepository = ReturnType<typeof ruleSetsRepository>;

export function ruleSetsRepository(db: Database) {
  const insert = db.prepare(
    'INSERT INTO rule_sets (version, content_hash, source, created_at, created_by) VALUES (@version, @contentHash, @source, @createdAt, @createdBy)',
  );
  const byVersion = db.prepare<[string], RuleSetRecordRow>('SELECT * FROM rule_sets WHERE version = ?');
  const activate = db.prepare(
    'INSERT INTO rule_set_activations (version, activated_at, activated_by) VALUES (@version, @activatedAt, @activatedBy)',
  );
  const active = db.prepare<[], ActivationRecordRow>(
    'SELECT version, activated_at, activated_by FROM rule_set_activations ORDER BY id DESC LIMIT 1',
  );

  return {
    insert(ruleSet: RuleSetRow): void {
      insert.run({ ...ruleSet, source: JSON.stringify(ruleSet.source) });
    },
    find: (version: string) => {
      const row = byVersion.get(version);
      return row && toRuleSet(row);
    },
    activate(activation: ActivationRow): void {
      activate.run(activation);
    },
    active: () => {
      const row = active.get();
      return row && toActivation(row);
    },
  };
}
