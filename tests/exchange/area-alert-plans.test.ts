import Database from 'better-sqlite3';
import { expect, it, vi } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { startExchange } from '../helpers/exchange.js';

// Every statement the member's connections run is recorded as SQLite ran it, so the plans below are
// those of its checks and its exchange rounds as they are (as tests/store/check-path-plans.test.ts does).
const ran = vi.hoisted(() => [] as string[]);
vi.mock('better-sqlite3', async (original) => {
  const { default: Real } = await original<{ default: typeof Database }>();
  class Recorded extends Real {
    constructor(path?: string | Buffer, options: Database.Options = {}) {
      super(path, { ...options, verbose: (sql) => ran.push(String(sql)) });
    }
  }
  return { default: Recorded };
});

const QUERY = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;

it('a member reads relayed alerts on the check path, and the alerts waiting to be shared, through an index: no full scan, no temporary b-tree', async () => {
  const exchange = await startExchange();
  const app = await testApp({ exchange: exchange.member('north-retail', { timeoutMs: 2_000, districts: new Map([[STORE, 'SG1']]) }) });
  const till = await app.makeKey('till', [STORE]);
  const now = Date.now();
  for (let i = 0; i < 20; i += 1) {
    const at = now - i * 60_000;
    await app.services.store.areaAlerts.addRelayed({ id: `alert_${i}`, district: i % 2 ? 'SG1' : 'LU1', raisedAt: at, receivedAt: at, expiresAt: at + 3_600_000, brands: ['apple'], valueBand: 'under_100', action: 'refused' });
  }
  const apple = [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10_000, quantity: 3 }];
  const first = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ lines: apple, customer: { ageBand: '70_79' } }) });
  await app.call('POST', `/v1/checks/${first.json.checkId}/answers`, { key: till, body: { answers: { codesRequested: 'yes' } } });

  ran.length = 0;
  const checked = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ lines: apple, customer: { ageBand: '70_79' } }) });
  expect(checked.status).toBe(201);
  expect(await app.services.alertExchange!.share()).toBe(1);
  await app.services.alertExchange!.sync();

  const queries = [...new Set(ran.filter((sql) => QUERY.test(sql) && /relayed_area_alerts|exchange_state = 'pending'/.test(sql)))];
  // The check's read of relayed alerts, the round's waiting alerts, its cursor and its inserts: all there.
  expect(queries.some((sql) => sql.includes('FROM relayed_area_alerts WHERE district'))).toBe(true);
  expect(queries.some((sql) => sql.includes("exchange_state = 'pending' AND expires_at"))).toBe(true);
  const db = new Database(app.databasePath, { readonly: true });
  try {
    const plans = queries.map((sql) => ({
      sql: sql.replace(/\s+/g, ' ').trim(),
      lines: (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((row) => row.detail),
    }));
    expect(plans.filter((each) => each.lines.some((line) => /^SCAN /.test(line) || line.includes('TEMP B-TREE')))).toEqual([]);
  } finally {
    db.close();
  }
});
