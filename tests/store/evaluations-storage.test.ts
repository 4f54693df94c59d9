import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { undoDropRuleIndex, undoEvaluationsInRowidTable } from '../helpers/schema.js';

/** Pages of the evaluations table by kind, from SQLite's own account of the file (dbstat). */
function evaluationPages(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare("SELECT pagetype, count(*) AS pages FROM dbstat WHERE name = 'evaluations' GROUP BY pagetype").all() as Array<{ pagetype: string; pages: number }>;
    const count = (db.prepare('SELECT count(*) AS n FROM evaluations').get() as { n: number }).n;
    return { count, ...Object.fromEntries(rows.map((row) => [row.pagetype, row.pages])) } as { count: number; leaf?: number; overflow?: number };
  } finally {
    db.close();
  }
}

it('keeps each evaluation inside its page, and moves those a WITHOUT ROWID table kept in overflow pages (migration 0280)', async () => {
  const app = await testApp();
  const till = await app.makeKey('till', [STORE]);
  // Evaluations as tills make them: mostly ordinary baskets from known customers, a few prompted.
  for (let i = 0; i < 40; i += 1) {
    const prompted = i % 10 === 0;
    const customer = { ageBand: prompted ? ('80_plus' as const) : ('30_39' as const), ageSource: 'staff_estimate' as const, loyaltyId: `LOYAL-${i % 7}` };
    const lines = [{ kind: 'gift_card' as const, brand: 'costa', unitAmount: prompted ? 20_000 : 1_500, quantity: 1 + (i % 3) }, { kind: 'merchandise' as const, unitAmount: 250, quantity: 2 }];
    expect((await app.call('POST', '/v1/checks', { key: till, body: aCheck({ lines, customer }) })).status).toBe(201);
  }
  await app.services.close();

  const now = evaluationPages(app.databasePath);
  expect(now.count).toBe(40);
  // Only a row near a whole page overflows (a prompt's full script is 2.8 KB of it), not every one.
  const longRows = (() => {
    const db = new Database(app.databasePath, { readonly: true });
    const n = (db.prepare("SELECT count(*) AS n FROM evaluations WHERE length(request) + length(answers) + length(history) + length(reasons) + length(shadow_reasons) + coalesce(length(prompt), 0) + coalesce(length(area), 0) + coalesce(length(network), 0) > 3800").get() as { n: number }).n;
    db.close();
    return n;
  })();
  expect(longRows).toBeLessThan(now.count / 2);
  expect(now.overflow ?? 0).toBeLessThanOrEqual(2 * longRows);
  expect(now.leaf!).toBeLessThan(longRows + (now.count - longRows) / 2);

  // The table as it was before 0280: each of these evaluations has a page of its own.
  const db = new Database(app.databasePath);
  const kept = db.prepare('SELECT * FROM evaluations ORDER BY check_id, revision').all();
  undoDropRuleIndex(db);
  undoEvaluationsInRowidTable(db);
  db.pragma('user_version = 260');
  db.close();
  expect(evaluationPages(app.databasePath).overflow).toBeGreaterThanOrEqual(40);

  const migrated = await openStore(app.databasePath);
  await migrated.close();
  // The same rows, so the same overflow; the leaves as packed as before, give or take how the copy filled them.
  const after = evaluationPages(app.databasePath);
  expect(after.count).toBe(now.count);
  expect(after.overflow ?? 0).toBe(now.overflow ?? 0);
  expect(after.leaf!).toBeLessThan(longRows + (now.count - longRows) / 2);
  const reopened = new Database(app.databasePath, { readonly: true });
  expect(reopened.prepare('SELECT * FROM evaluations ORDER BY check_id, revision').all()).toEqual(kept);
  reopened.close();
});
