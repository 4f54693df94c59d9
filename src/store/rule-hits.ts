import type { Database } from 'better-sqlite3';
import type { PeriodFilter } from './types.js';

export interface RuleHitCounts {
  ruleId: string;
  hits: number;
  storedValue: number;
  byOutcome: Record<string, number>;
  byAction: Record<string, number>;
}

interface HitRow {
  rule_id: string;
  outcome: string | null;
  action: string;
  hits: number;
  stored_value: number;
}

export type RuleHitsRepository = ReturnType<typeof ruleHitsRepository>;

/** How often rules matched checks' latest decisions, and what became of those checks. */
export function ruleHitsRepository(db: Database) {
  const hits = db.prepare<Record<string, unknown>, HitRow>(`
    SELECT r.rule_id, c.outcome, c.action, count(*) AS hits, sum(c.stored_value) AS stored_value
    FROM check_rules r
    JOIN checks c ON c.id = r.check_id
    WHERE r.shadow = @shadow AND c.occurred_at >= @from AND c.occurred_at < @to AND c.livemode = 1
      AND (@stores IS NULL OR c.store_id IN (SELECT value FROM json_each(@stores)))
    GROUP BY r.rule_id, c.outcome, c.action`);

  // A check's first evaluation is its first screen: the basket as first scanned, before any answer.
  const firstScreen = db.prepare<Record<string, unknown>, { rule_id: string; hits: number }>(`
    SELECT json_extract(j.value, '$.ruleId') AS rule_id, count(*) AS hits
    FROM evaluations e
    JOIN checks c ON c.id = e.check_id, json_each(e.shadow_reasons) j
    WHERE e.revision = 1 AND c.occurred_at >= @from AND c.occurred_at < @to AND c.livemode = 1
      AND (@stores IS NULL OR c.store_id IN (SELECT value FROM json_each(@stores)))
    GROUP BY rule_id`);

  return {
    /** How many checks in the period each shadow rule matched at their first screen, before any answer, by rule id. */
    shadowFirstScreen(period: PeriodFilter): Record<string, number> {
      const rows = firstScreen.all({ from: period.from, to: period.to, stores: period.storeIds === null ? null : JSON.stringify(period.storeIds) });
      return Object.fromEntries(rows.map((row) => [row.rule_id, row.hits]));
    },

    counts(period: PeriodFilter, { shadow }: { shadow: boolean }): RuleHitCounts[] {
      const byRule = new Map<string, RuleHitCounts>();
      const rows = hits.all({
        shadow: shadow ? 1 : 0,
        from: period.from,
        to: period.to,
        stores: period.storeIds === null ? null : JSON.stringify(period.storeIds),
      });
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
