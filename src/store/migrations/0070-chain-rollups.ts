import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

const CHECK_COUNTERS = [
  'checks', 'checks_with_stored_value', 'warned_with_stored_value', 'stored_value', 'action_allow', 'action_prompt',
  'action_hold', 'action_refuse', 'warned', 'outcome_proceeded', 'outcome_proceeded_after_warning', 'outcome_abandoned',
  'outcome_scam_confirmed', 'outcome_refused', 'warned_with_outcome', 'warned_then_sold', 'stops', 'value_protected',
];
const RULE_COUNTERS = ['hits', 'stops', 'value_protected'];

/**
 * Chain-wide roll-ups: the same rows with store_id '*' (no store id can be '*'), the sum over every
 * store. A report over the whole chain reads these instead of every store's rows, so it costs what a
 * report for one store costs; the catch-up keeps them beside the per-store rows (one more netted
 * upsert per batch), which 0040's triggers could not have afforded.
 */
export function up(db: Database): void {
  const backfill = (table: string, keys: string[], counters: string[]) => {
    const chainKeys = keys.map((key) => (key === 'store_id' ? "'*'" : key));
    db.exec(`
      INSERT INTO ${table} (${keys.join(', ')}, ${counters.join(', ')})
      SELECT ${chainKeys.join(', ')}, ${counters.map((c) => `sum(${c})`).join(', ')} FROM ${table}
      WHERE store_id != '*' GROUP BY ${keys.filter((key) => key !== 'store_id').join(', ')};
    `);
  };
  backfill('report_days', ['dimension', 'store_id', 'day', 'currency', 'segment'], CHECK_COUNTERS);
  backfill('report_blocks', ['dimension', 'store_id', 'block', 'currency', 'segment'], CHECK_COUNTERS);
  backfill('report_rule_days', ['store_id', 'day', 'currency', 'rule_id', 'shadow'], RULE_COUNTERS);
  backfill('report_rule_blocks', ['store_id', 'block', 'currency', 'rule_id', 'shadow'], RULE_COUNTERS);
}
