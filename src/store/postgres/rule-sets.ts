import type { Port } from '../port.js';
import type { RuleSetsRepository } from '../rule-sets.js';
import type { ActivationRow, RuleSetRow } from '../types.js';
import { json, type Queryable } from './sql.js';

interface RuleSetRecordRow {
  version: string;
  content_hash: string;
  source: RuleSetRow['source'];
  created_at: number;
  created_by: string;
  note: string | null;
  status: RuleSetRow['status'];
  reviewed_by: string | null;
  reviewed_at: number | null;
}

const toRuleSet = (row: RuleSetRecordRow): RuleSetRow => ({
  version: row.version,
  contentHash: row.content_hash,
  source: row.source,
  createdAt: row.created_at,
  createdBy: row.created_by,
  note: row.note,
  status: row.status,
  reviewedBy: row.reviewed_by,
  reviewedAt: row.reviewed_at,
});

export function ruleSetsRepository(sql: Queryable): Port<RuleSetsRepository> {
  const activations = async (limit: number): Promise<ActivationRow[]> => [
    ...(await sql<ActivationRow[]>`
      SELECT version, activated_at AS "activatedAt", activated_by AS "activatedBy"
      FROM rule_set_activations ORDER BY id DESC LIMIT ${limit}`),
  ];
  return {
    async insert(ruleSet) {
      // json, not jsonb: the source comes back in its author's key order.
      await sql`
        INSERT INTO rule_sets (version, content_hash, source, created_at, created_by, note, status, reviewed_by, reviewed_at)
        VALUES (${ruleSet.version}, ${ruleSet.contentHash}, ${json(ruleSet.source)}::json, ${ruleSet.createdAt},
          ${ruleSet.createdBy}, ${ruleSet.note}, ${ruleSet.status}, ${ruleSet.reviewedBy}, ${ruleSet.reviewedAt})`;
    },
    async find(version) {
      const [row] = await sql<RuleSetRecordRow[]>`SELECT * FROM rule_sets WHERE version = ${version}`;
      return row && toRuleSet(row);
    },
    async list() {
      return (await sql<RuleSetRecordRow[]>`SELECT * FROM rule_sets ORDER BY created_at DESC, version DESC`).map(toRuleSet);
    },
    /** Approves or rejects a pending version; false if it was not pending. */
    async review(version, status, reviewedBy, reviewedAt) {
      const result = await sql`
        UPDATE rule_sets SET status = ${status}, reviewed_by = ${reviewedBy}, reviewed_at = ${reviewedAt}
        WHERE version = ${version} AND status = 'pending'`;
      return result.count === 1;
    },
    async activate(activation) {
      await sql`
        INSERT INTO rule_set_activations (version, activated_at, activated_by)
        VALUES (${activation.version}, ${activation.activatedAt}, ${activation.activatedBy})`;
    },
    async active() {
      const [row] = await activations(1);
      return row;
    },
    /** Activations, newest first. */
    activations: (limit = 1000) => activations(limit),
  };
}
