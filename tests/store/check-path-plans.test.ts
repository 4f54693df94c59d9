import Database from 'better-sqlite3';
import { expect, it, vi } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';

// Every statement the service's connections run is recorded, as SQLite ran it (parameters filled in),
// so the plans below are those of the check path as it is, not of a list kept beside it.
// Every statement prepared is kept too, as written (parameters unfilled).
const ran = vi.hoisted(() => [] as string[]);
const prepared = vi.hoisted(() => new Set<string>());
vi.mock('better-sqlite3', async (original) => {
  const { default: Real } = await original<{ default: typeof Database }>();
  class Recorded extends Real {
    constructor(path?: string | Buffer, options: Database.Options = {}) {
      super(path, { ...options, verbose: (sql) => ran.push(String(sql)) });
    }
    override prepare<P extends unknown[] | object = unknown[], R = unknown>(sql: string) {
      prepared.add(sql);
      return super.prepare<P, R>(sql);
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

/** The columns a partial index's WHERE names, table by table: `checks_test_by_time … WHERE livemode = 0` gives checks.livemode. */
function partialIndexColumns(db: Database.Database): Map<string, Set<string>> {
  const indexes = db.prepare("SELECT tbl_name AS tableName, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'").all() as Array<{ tableName: string; sql: string }>;
  const columns = new Map<string, Set<string>>();
  for (const { tableName, sql } of indexes) {
    const known = new Set((db.prepare('SELECT name FROM pragma_table_info(?)').all(tableName) as Array<{ name: string }>).map((column) => column.name));
    const named = sql.slice(sql.search(/\bWHERE\b/i)).match(/[a-z_]+/gi)!.filter((word) => known.has(word));
    columns.set(tableName, new Set([...(columns.get(tableName) ?? []), ...named]));
  }
  return columns;
}

/**
 * Where `sql` compares a parameter with a column a partial index of one of its tables names (the
 * table's own name or its alias before the column, or none). Assignments (`SET status = @status`)
 * plan nothing, so they are left out.
 */
function boundAgainstPartialIndex(sql: string, columns: Map<string, Set<string>>): string[] {
  const compared = sql.replace(/\bSET\b[\s\S]*?(?=\bWHERE\b|$)/gi, ' ');
  const found: string[] = [];
  for (const [table, names] of columns) {
    const uses = [...compared.matchAll(new RegExp(`\\b${table}\\b(?:\\s+(?:AS\\s+)?(?!WHERE|ON|JOIN|LEFT|INNER|CROSS|SET|USING|INDEXED)(\\w+))?`, 'gi'))];
    if (uses.length === 0) continue;
    const qualifiers = [table, ...uses.flatMap((use) => (use[1] ? [use[1]] : []))].join('|');
    const bound = new RegExp(`(?:^|[^\\w.]|\\b(?:${qualifiers})\\.)(${[...names].join('|')})\\s*(?:=|==|!=|<>|<=|>=|<|>|\\bIS(?:\\s+NOT)?\\b)\\s*[@:$?]`, 'gi');
    for (const match of compared.matchAll(bound)) found.push(`${table}.${match[1]}`);
  }
  return found;
}

it('binds no parameter against a column a partial index names, so no statement is planned again at every binding', async () => {
  // SQLite plans such a statement afresh each time it is bound, in case the value lets it use the
  // partial index: the transaction lookup every check makes cost 22 µs that way, 2 µs with `+@livemode`.
  const app = await testApp();
  const till = await app.makeKey('till', [STORE]);
  expect((await app.call('POST', '/v1/checks', { key: till, body: aCheck() })).status).toBe(201);
  const db = new Database(app.databasePath, { readonly: true });
  try {
    const columns = partialIndexColumns(db);
    expect(columns.get('checks')).toEqual(new Set(['warned', 'livemode']));
    const statements = [...prepared].filter((sql) => QUERY.test(sql));
    expect(statements.length).toBeGreaterThan(50);
    const replanned = statements.flatMap((sql) => boundAgainstPartialIndex(sql, columns).map((column) => `${column}: ${sql.replace(/\s+/g, ' ').trim()}`));
    expect(replanned).toEqual([]);
    // It would see one: the lookup as it used to be written, and not what replaced it or an assignment.
    expect(boundAgainstPartialIndex('SELECT * FROM checks WHERE store_id = @storeId AND livemode = @livemode', columns)).toEqual(['checks.livemode']);
    expect(boundAgainstPartialIndex('SELECT r.* FROM reviews r JOIN checks c ON c.id = r.check_id WHERE c.livemode = ? AND r.status = ?', columns)).toEqual(['checks.livemode', 'reviews.status']);
    expect(boundAgainstPartialIndex('SELECT * FROM checks WHERE store_id = @storeId AND livemode = +@livemode', columns)).toEqual([]);
    expect(boundAgainstPartialIndex('UPDATE reviews SET status = @status WHERE check_id = @checkId', columns)).toEqual([]);
    expect(boundAgainstPartialIndex('SELECT * FROM cases k WHERE k.livemode = @livemode', columns)).toEqual([]);
  } finally {
    db.close();
  }
});
