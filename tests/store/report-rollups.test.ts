import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/reports/period.js';
import { ALL_GROUPINGS, buildSummary } from '../../src/reports/summary.js';
import { openStore, type Store } from '../../src/store/index.js';
import { undoBusinessDays, undoTestMode, undoAfterStoreDays } from '../helpers/schema.js';
import { knownData, NOW } from '../reports/known-data.js';

const summaryOf = (store: Store) =>
  buildSummary(store, { period: resolvePeriod({ from: '2017-10-28', to: '2017-10-31' }, NOW, 'UTC'), storeIds: null, groupBy: new Set(ALL_GROUPINGS) }, NOW);

describe('report roll-ups', () => {
  it('are built from the checks already recorded when the migration runs', async () => {
    const { services, databasePath } = await knownData();
    const before = await summaryOf(services.store);
    await services.store.close();

    // Back to the schema before reports, checks and all.
    const db = new Database(databasePath);
    undoAfterStoreDays(db);
    undoTestMode(db);
    undoBusinessDays(db);
    db.exec(`
      DROP TRIGGER report_mark_inserted; DROP TRIGGER report_mark_updated; DROP TRIGGER report_mark_deleted;
      DROP TRIGGER report_mark_rule_matched; DROP TRIGGER report_mark_rule_unmatched;
      DROP TABLE report_dirty; DROP TABLE report_applied; DROP TABLE report_applied_rules;
      DROP TABLE report_days; DROP TABLE report_blocks;
      DROP TABLE report_rule_days; DROP TABLE report_rule_blocks;
      DROP TABLE dashboard_sessions; DROP INDEX checks_warned_by_time; DROP TABLE idempotency_keys;
      ALTER TABLE checks ADD COLUMN request TEXT NOT NULL DEFAULT '{}';
      DROP TABLE reviews;
      DROP TABLE webhook_attempts; DROP TABLE webhook_deliveries; DROP TABLE webhook_events; DROP TABLE webhook_endpoints;
      ALTER TABLE checks DROP COLUMN history_at; ALTER TABLE evaluations DROP COLUMN request_fingerprint; DROP TABLE meta;
      PRAGMA user_version = 30;
    `);
    db.close();

    const migrated = await openStore(databasePath, { timeZone: 'UTC' });
    // Cases are not roll-ups: winding the schema back dropped them, and no migration makes them again.
    const { cases: _cases, ...rolledUp } = before;
    const { cases: _none, ...rebuilt } = await summaryOf(migrated);
    expect(rebuilt).toEqual(rolledUp);
    await migrated.close();
  });

  it('let go of a check that is deleted, with its rules', async () => {
    const { services, databasePath, ids } = await knownData();
    const before = await summaryOf(services.store);
    await services.store.close();

    const db = new Database(databasePath);
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM checks WHERE id = ?').run(ids.one.checkId);
    db.close();

    const store = await openStore(databasePath);
    const after = await summaryOf(store);
    await store.close();
    expect(after.totals.checks).toBe(before.totals.checks - 1);
    expect(after.totals.stops).toBe(before.totals.stops - 1);
    expect(after.totals.valueProtected.GBP).toBe(before.totals.valueProtected.GBP! - 50000);
    const rule = (summary: typeof before, id: string) => summary.rules!.byHits.find((r) => r.ruleId === id)!;
    expect(rule(after, 'older-customer-80-plus').hits).toBe(rule(before, 'older-customer-80-plus').hits - 1);
    expect(rule(after, 'older-customer-80-plus').valueProtected.GBP).toBe(rule(before, 'older-customer-80-plus').valueProtected.GBP! - 50000);
  });
});

describe('deferred roll-ups', () => {
  it('leave the till’s write path: writes only mark checks, and a report catches up before reading', async () => {
    const { services } = await knownData();
    const { store } = services;
    expect(await store.reports.rollups.pending()).toBeGreaterThan(0);
    const first = await summaryOf(store);
    expect(await store.reports.rollups.pending()).toBe(0);
    expect(first.totals.checks).toBeGreaterThan(0);
    // Caught up in small steps (as the running service does), the figures are the same.
    const stepped = await knownData();
    while ((await stepped.services.store.transaction((tx) => tx.reports.rollups.step(2))) > 0);
    expect(await summaryOf(stepped.services.store)).toEqual(first);
  });
});
