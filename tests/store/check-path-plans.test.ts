import Database from 'better-sqlite3';
import { expect, it, vi } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';

// Every statement the service's connections run is recorded, as SQLite ran it (parameters filled in),
// so the plans below are those of the check path as it is, not of a list kept beside it.
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
/**
 * Tables read whole on purpose: a retailer's webhook endpoints (a handful, set up by hand) are
 * matched against an event's type, which no index can serve; the table grows with endpoints, never
 * with checks.
 */
const SMALL_TABLES = new Set(['webhook_endpoints', 'json_each']);

/**
 * What SQLite would do for a statement: each line of EXPLAIN QUERY PLAN. A line reading a table is
 * `SEARCH <table> USING ...` when an index finds its rows, `SCAN <table>` when it reads them all; a
 * subquery SQLite runs as a co-routine or materialises is scanned by name, which reads no table.
 */
function plan(db: Database.Database, sql: string) {
  const lines = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((row) => row.detail);
  const subqueries = new Set(lines.flatMap((line) => /^(?:CO-ROUTINE|MATERIALIZE) (\S+)/.exec(line)?.slice(1) ?? []));
  const fullScans = lines.filter((line) => {
    const scanned = /^SCAN (\S+)/.exec(line)?.[1];
    return scanned !== undefined && !subqueries.has(scanned) && !scanned.startsWith('(subquery') && !SMALL_TABLES.has(scanned);
  });
  return { lines, fullScans, temporary: lines.filter((line) => line.includes('TEMP B-TREE')) };
}

it('runs every query on the check path through an index: no full scan, no temporary b-tree, with or without history', async () => {
  const app = await testApp();
  const till = await app.makeKey('till', [STORE]);
  const customer = { ageBand: '70_79' as const, loyaltyId: 'LOYAL-0042', paymentToken: 'tok_visa_0042' };
  const apple = (quantity: number) => [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10_000, quantity }];
  // The customer's history first, so the lookups below find rows to join, not an empty index.
  for (let i = 0; i < 3; i += 1) {
    expect((await app.call('POST', '/v1/checks', { key: till, body: aCheck({ lines: apple(1), customer }) })).status).toBe(201);
  }

  ran.length = 0;
  // A new check, its retry, a changed basket, answers, and the outcome: every way a till uses the path.
  const body = aCheck({ lines: apple(2), customer });
  const created = await app.call('POST', '/v1/checks', { key: till, body });
  expect(created.status).toBe(201);
  expect(created.json.action).not.toBe('allow');
  const checkId = created.json.checkId as string;
  expect((await app.call('POST', '/v1/checks', { key: till, body })).status).toBe(200);
  expect((await app.call('POST', '/v1/checks', { key: till, body: { ...body, lines: apple(3) } })).status).toBe(200);
  expect((await app.call('POST', `/v1/checks/${checkId}/answers`, { key: till, body: { answers: { purpose: 'gift', codesRequested: 'yes' } } })).status).toBe(200);
  expect((await app.call('POST', `/v1/checks/${checkId}/outcome`, { key: till, body: { outcome: 'abandoned' } })).status).toBe(201);
  expect((await app.call('POST', '/v1/checks', { key: till, body: aCheck({ customer: { ageBand: '30_39' } }) })).status).toBe(201);

  const queries = [...new Set(ran.filter((sql) => QUERY.test(sql)))];
  // The path reads the transaction, the customer's history, and writes the check: far more than none.
  expect(queries.some((sql) => sql.includes('check_identities') && /^\s*SELECT/i.test(sql))).toBe(true);
  expect(queries.length).toBeGreaterThan(5);

  const db = new Database(app.databasePath, { readonly: true });
  try {
    const plans = queries.map((sql) => ({ sql: sql.replace(/\s+/g, ' ').trim(), ...plan(db, sql) }));
    expect(plans.filter((each) => each.fullScans.length > 0 || each.temporary.length > 0)).toEqual([]);
    // The history lookup reads earlier checks from the covering index alone, never the table's rows.
    const history = plans.find((each) => each.sql.includes('FROM check_identities') && each.sql.includes('JOIN checks'));
    expect(history?.lines).toContainEqual(expect.stringMatching(/^SEARCH c USING COVERING INDEX checks_for_history/));
  } finally {
    db.close();
  }
});
