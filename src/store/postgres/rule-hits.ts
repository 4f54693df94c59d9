import type { Port } from '../port.js';
import type { RuleHitCounts, RuleHitsRepository } from '../rule-hits.js';
import type { Queryable } from './sql.js';

interface HitRow {
  rule_id: string;
  outcome: string | null;
  action: string;
  hits: number;
  stored_value: number;
}

/** How often rules matched checks' latest decisions, and what became of those checks, as `ruleHitsRepository` (SQLite) counts them. */
export function ruleHitsRepository(sql: Queryable): Port<RuleHitsRepository> {
  return {
    async shadowFirstScreen(period) {
      // A check's first evaluation is its first screen: the basket as first scanned, before any answer.
      const rows = await sql<{ rule_id: string; hits: number }[]>`
        SELECT j->>'ruleId' AS rule_id, count(*) AS hits
        FROM evaluations e
        JOIN checks c ON c.id = e.check_id, jsonb_array_elements(e.shadow_reasons) AS j
        WHERE e.revision = 1 AND c.occurred_at >= ${period.from} AND c.occurred_at < ${period.to} AND c.livemode
          ${period.storeIds === null ? sql`` : sql`AND c.store_id = ANY(${[...period.storeIds]}::text[])`}
        GROUP BY 1`;
      return Object.fromEntries(rows.map((row) => [row.rule_id, row.hits]));
    },

    async counts(period, { shadow }) {
      const rows = await sql<HitRow[]>`
        SELECT r.rule_id, c.outcome, c.action, count(*) AS hits, sum(c.stored_value) AS stored_value
        FROM check_rules r
        JOIN checks c ON c.id = r.check_id
        WHERE r.shadow = ${shadow} AND c.occurred_at >= ${period.from} AND c.occurred_at < ${period.to} AND c.livemode
          ${period.storeIds === null ? sql`` : sql`AND c.store_id = ANY(${[...period.storeIds]}::text[])`}
        GROUP BY r.rule_id, c.outcome, c.action`;
      const byRule = new Map<string, RuleHitCounts>();
      for (const row of rows) {
        let entry = byRule.get(row.rule_id);
        if (!entry) byRule.set(row.rule_id, (entry = { ruleId: row.rule_id, hits: 0, storedValue: 0, byOutcome: {}, byAction: {} }));
        const outcome = row.outcome ?? 'none';
        entry.hits += row.hits;
        entry.storedValue += row.stored_value;
        entry.byOutcome[outcome] = (entry.byOutcome[outcome] ?? 0) + row.hits;
        entry.byAction[row.action] = (entry.byAction[row.action] ?? 0) + row.hits;
      }
      return [...byRule.values()].sort((a, b) => b.hits - a.hits || a.ruleId.localeCompare(b.ruleId));
    },
  };
}
