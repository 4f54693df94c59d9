import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ReportFilter } from '../../../src/store/index.js';
import { postgresAvailable } from '../../helpers/postgres.js';
import { type Adapter, postgresAdapter, type SeedCheck, seeded, sqliteAdapter } from './report-fixtures.js';

const DAY_MS = 86_400_000;
/** 2017-10-28: four days before a 32-day block begins, so periods take blocks and edge days. */
const FIRST_DAY = 17_467;
const DAYS = 75;
const STORES = ['S1', 'S2', 'store-10'];
const LANES = ['staffed', 'self_checkout', 'online'] as const;
const AGE_BANDS = ['under_25', '25_64', '65_plus', 'unknown'];
const ACTIONS = ['allow', 'prompt', 'hold', 'refuse'] as const;
const OUTCOMES = ['proceeded', 'proceeded_after_warning', 'abandoned', 'scam_confirmed', 'refused'];
const RULES = ['high_value', 'new_customer', 'itunes_pair', 'late_night'];

/** The same checks for every adapter: stores, days, lanes, actions, outcomes and rules all mixed. */
function checks(count: number, seed: number): SeedCheck[] {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const day = FIRST_DAY + Math.floor(random() * DAYS);
    // Distinct times, so the export's order is the same whatever breaks ties.
    const occurredAt = day * DAY_MS + i * 1000 + Math.floor(random() * 1000);
    const action = pick(ACTIONS);
    const warned = action !== 'allow';
    const storedValue = random() < 0.2 ? 0 : Math.floor(random() * 50_000);
    const rules = RULES.filter(() => random() < 0.3).map((rule): [string, boolean] => [rule, random() < 0.3]);
    return {
      id: `chk_${String(i).padStart(5, '0')}`,
      storeId: pick(STORES),
      tillId: `till-${i % 4}`,
      transactionId: `tx-${i}`,
      lane: pick(LANES),
      ageBand: pick(AGE_BANDS),
      currency: random() < 0.8 ? 'GBP' : 'EUR',
      occurredAt,
      receivedAt: occurredAt + 50,
      basketTotal: storedValue + Math.floor(random() * 2000),
      storedValue,
      storedValueUnits: storedValue > 0 ? 1 + Math.floor(random() * 3) : 0,
      tender: pick(['card', 'cash']),
      action,
      score: Math.floor(random() * 100),
      warned,
      revision: 1,
      ruleSetVersion: 'v1',
      promptId: warned ? 'prompt-1' : null,
      livemode: random() < 0.95,
      outcome: random() < 0.4 ? pick(OUTCOMES) : null,
      outcomeAt: null,
      policeReference: null,
      rules,
      reasons: [],
      identities: [],
    };
  });
}

const FILTERS: Record<string, ReportFilter> = {
  everything: { fromDay: FIRST_DAY, toDay: FIRST_DAY + DAYS, storeIds: null },
  'two stores': { fromDay: FIRST_DAY, toDay: FIRST_DAY + DAYS, storeIds: ['S2', 'store-10'] },
  'a block and edge days': { fromDay: FIRST_DAY + 2, toDay: FIRST_DAY + 40, storeIds: null },
  'one store, days inside a block': { fromDay: FIRST_DAY + 10, toDay: FIRST_DAY + 20, storeIds: ['S1'] },
  'no checks': { fromDay: FIRST_DAY - 30, toDay: FIRST_DAY - 1, storeIds: null },
};

async function summaries(adapter: Adapter) {
  const { reports } = adapter.repositories;
  const figures: Record<string, unknown> = {};
  for (const [name, filter] of Object.entries(FILTERS)) {
    figures[name] = {
      totals: await reports.totals(filter),
      byDay: await reports.byDay(filter),
      byStore: await reports.byStore(filter),
      byAgeBand: await reports.byAgeBand(filter),
      byLane: await reports.byLane(filter),
      byRule: await reports.byRule(filter),
    };
  }
  return { figures, storeIds: await reports.storeIds(), pending: await reports.rollups.pending() };
}

/** Writes, reads, changes and reads again: the roll-ups must follow every change the same way. */
async function history(adapter: Adapter, seed: SeedCheck[]) {
  for (const check of seed) await adapter.write.check(check);
  const first = await summaries(adapter);
  for (const check of seed.filter((_, i) => i % 7 === 0)) await adapter.write.outcome(check.id, i7Outcome(check), check.occurredAt + 60_000);
  for (const check of seed.filter((_, i) => i % 23 === 1)) await adapter.write.move(check.id, check.occurredAt + 33 * DAY_MS, 'online');
  for (const check of seed.filter((_, i) => i % 19 === 2)) await adapter.write.rules(check.id, [['late_night', false], ['refund_pattern', true]]);
  for (const check of seed.filter((_, i) => i % 29 === 3)) await adapter.write.remove(check.id);
  // Caught up in small steps, as the background timer does, before the report's own catch-up.
  const stepped = await adapter.transaction((tx) => tx.reports.rollups.step(10));
  const second = await summaries(adapter);
  return { first, stepped, second };
}
const i7Outcome = (check: SeedCheck) => (check.warned ? 'abandoned' : 'proceeded');

describe('reports on every adapter', () => {
  it('keep the figures of written checks in the roll-ups', async () => {
    const seed = checks(120, 1);
    const sqlite = await history(sqliteAdapter(), seed);
    const live = seed.filter((check) => check.livemode);
    const chain = (sqlite.first.figures.everything as { totals: { counters: { checks: number } }[] }).totals;
    expect(chain.reduce((sum, row) => sum + row.counters.checks, 0)).toBe(live.length);
    expect(sqlite.first.storeIds).toEqual(['S1', 'S2', 'store-10']);
    expect(sqlite.first.pending).toBe(0);
    expect(sqlite.stepped).toBe(10);
  });

  it.skipIf(!postgresAvailable)('give the same figures on PostgreSQL as on SQLite, through writes, changes and purges', async () => {
    const seed = checks(400, 2);
    const sqlite = await history(sqliteAdapter(), seed);
    const postgres = await history(await postgresAdapter(), seed);
    expect(postgres).toEqual(sqlite);
  });

  it.skipIf(!postgresAvailable)('stream every check of a period in time order for the export, and the latest interventions alike', async () => {
    const seed = checks(700, 3);
    const adapters = [sqliteAdapter(), await postgresAdapter()];
    const read: unknown[] = [];
    for (const adapter of adapters) {
      for (const check of seed) await adapter.write.check(check);
      const exported = [];
      for await (const row of adapter.repositories.reports.checks(FILTERS['two stores']!)) exported.push(row);
      const latest = await adapter.repositories.reports.latestInterventions(FILTERS['a block and edge days']!, 25);
      read.push({ exported, latest });
    }
    const [sqlite, postgres] = read as { exported: { checkId: string; occurredAt: number }[] }[];
    const expected = seed
      .filter((check) => check.livemode && check.storeId !== 'S1')
      .sort((a, b) => a.occurredAt - b.occurredAt)
      .map((check) => check.id);
    expect(sqlite!.exported.map((row) => row.checkId)).toEqual(expected);
    expect(postgres).toEqual(sqlite);
  });

  it('read an export a slice at a time: part way through it holds no read, so the WAL can start over, and checks written meanwhile stay out', async () => {
    const adapter = sqliteAdapter();
    // More than two slices' worth, so the export is paused between slices and inside one.
    const seed = checks(2_600, 6);
    const [before, meanwhile] = [seed.slice(0, 2_500), seed.slice(2_500)];
    for (const check of before) await adapter.write.check(check);
    const exported: string[] = [];
    for await (const row of adapter.repositories.reports.checks(FILTERS.everything!)) {
      exported.push(row.checkId);
      if (exported.length !== 1_500) continue;
      for (const check of meanwhile) await adapter.write.check(check);
      const db = new Database(adapter.path!);
      try {
        expect(db.pragma('wal_checkpoint(TRUNCATE)')).toEqual([expect.objectContaining({ busy: 0 })]);
        expect(statSync(`${adapter.path!}-wal`).size).toBe(0);
      } finally {
        db.close();
      }
    }
    const expected = before
      .filter((check) => check.livemode)
      .sort((a, b) => a.occurredAt - b.occurredAt)
      .map((check) => check.id);
    expect(exported).toEqual(expected);
  });

  it.skipIf(!postgresAvailable)('let an export be abandoned part way without holding its connection', async () => {
    const adapter = await postgresAdapter();
    for (const check of checks(700, 4)) await adapter.write.check(check);
    const { reports } = adapter.repositories;
    for (let round = 0; round < 6; round++) {
      let seen = 0;
      for await (const row of reports.checks(FILTERS.everything!)) {
        expect(row.checkId).toMatch(/^chk_/);
        if (++seen === 550) break;
      }
      expect(seen).toBe(550);
    }
    expect((await reports.totals(FILTERS.everything!)).length).toBeGreaterThan(0);
  });

  it.skipIf(!postgresAvailable)('count every check once when two nodes catch up while tills write', async () => {
    const seed = checks(160, 5);
    const sqlite = sqliteAdapter();
    for (const check of seed) await sqlite.write.check(check);
    for (const check of seed.filter((_, i) => i % 5 === 0)) await sqlite.write.outcome(check.id, 'scam_confirmed', check.occurredAt + 1);

    const first = await postgresAdapter();
    const second = await first.anotherNode!();
    const catchUp = async (node: Adapter, writing: () => boolean) => {
      while (writing() || (await node.repositories.reports.rollups.pending()) > 0) await node.transaction((tx) => tx.reports.rollups.step(7));
    };
    let writing = true;
    const writes = (async () => {
      for (const check of seed) await first.write.check(check);
      for (const check of seed.filter((_, i) => i % 5 === 0)) await second.write.outcome(check.id, 'scam_confirmed', check.occurredAt + 1);
      writing = false;
    })();
    await Promise.all([writes, catchUp(first, () => writing), catchUp(second, () => writing)]);
    expect((await summaries(first)).figures).toEqual((await summaries(sqlite)).figures);
  });
});
