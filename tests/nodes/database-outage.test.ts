import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { aCheck } from '../helpers/app.js';
import { expectCleanUnavailable, LONG, outageHarness, postgresBinaries, RECOVERY } from '../helpers/database-outage.js';
import { call, HUNG_MS } from '../helpers/nodes.js';

describe.skipIf(!postgresBinaries)('a node whose PostgreSQL database goes away and comes back', () => {
  const harness = outageHarness();
  const { terminateConnections, twoNodes, expectEventsReachB, retried } = harness;

  it('answers every check, or a clean 503, when its connections are cut; then recovers with nothing half-written', LONG, async () => {
    const { a, b, adminKey, till, database } = await twoNodes();
    expect((await call(b, 'POST', '/v1/checks', till, aCheck())).status).toBe(201);

    for (const node of [a, b, a]) {
      expect(await terminateConnections(database)).toBeGreaterThan(0);
      // Several at once, so that more than one of the pool's dead connections is tried.
      const bodies = Array.from({ length: 6 }, () => aCheck());
      const first = await Promise.all(bodies.map((body) => call(node, 'POST', '/v1/checks', till, body)));
      for (const answer of first) {
        if (answer.status !== 201) expectCleanUnavailable(answer);
      }
      const health = await call(node, 'GET', '/healthz', adminKey);
      if (health.status !== 200) expectCleanUnavailable(health, ['database_unavailable', 'storage_unavailable']);

      await expect.poll(() => call(node, 'POST', '/v1/checks', till, aCheck()).then((r) => r.status), RECOVERY).toBe(201);
      await expect.poll(() => call(node, 'GET', '/healthz', adminKey).then((r) => r.status), RECOVERY).toBe(200);

      // Each transaction sent again is the one check: the one answered 201 was whole, the one refused
      // with 503 was either never written or written whole (its commit landed before the cut).
      // (A connection of the pool not used since the cut may still answer one of these with a clean 503.)
      for (const [index, body] of bodies.entries()) {
        const again = await retried(() => call(node, 'POST', '/v1/checks', till, body));
        if (first[index]!.status === 201) {
          expect(again.status).toBe(200);
          expect(again.json.checkId).toBe(first[index]!.json.checkId);
        } else {
          expect([200, 201]).toContain(again.status);
        }
        const read = await retried(() => call(node, 'GET', `/v1/checks/${again.json.checkId}`, till));
        expect(read.status).toBe(200);
        expect(read.json.evaluations).toHaveLength(1);
      }
    }

    await expectEventsReachB(a, b, adminKey, till);
  });

  it('hears other nodes again after its listening connection alone is cut', LONG, async () => {
    const { a, b, adminKey, till, database } = await twoNodes();
    expect(await terminateConnections(database, harness.admin()`AND query ILIKE 'listen%'`)).toBe(2);
    await expectEventsReachB(a, b, adminKey, till);
  });

  it('answers an export that cannot start with a 503, and cuts one whose connection is lost mid-way, never ending it short', LONG, async () => {
    const { a, adminKey, till, database } = await twoNodes();
    const analyst = (await call(a, 'POST', '/v1/keys', adminKey, { role: 'analyst', name: 'Outage analyst' })).json.key as string;
    const made = await call(a, 'POST', '/v1/checks', till, aCheck());
    expect(made.status).toBe(201);
    // Tens of thousands of checks, copied from the one made, so the export is far more than the
    // sockets between the node and this test hold: its cursor is still open when its connection is cut.
    const copies = 40_000;
    const db = postgres(new URL(`/${database}`, harness.server().url).toString(), { max: 1, onnotice: () => {} });
    try {
      await db.begin(async (tx) => {
        await tx`INSERT INTO checks SELECT (jsonb_populate_record(c, jsonb_build_object('id', c.id || '_' || g, 'transaction_id', c.transaction_id || '_' || g))).* FROM checks c, generate_series(1, ${copies}) g WHERE c.id = ${made.json.checkId}`;
        await tx`INSERT INTO evaluations SELECT (jsonb_populate_record(e, jsonb_build_object('check_id', e.check_id || '_' || g))).* FROM evaluations e, generate_series(1, ${copies}) g WHERE e.check_id = ${made.json.checkId}`;
      });
    } finally {
      await db.end({ timeout: 5 });
    }
    const exportCsv = () => fetch(new URL('/v1/reports/checks.csv', a), { headers: { authorization: `Bearer ${analyst}` }, signal: AbortSignal.timeout(HUNG_MS) });

    // Whole, while the database is there: a header and every check.
    const whole = await exportCsv();
    expect(whole.status).toBe(200);
    expect((await whole.text()).trim().split('\r\n')).toHaveLength(copies + 2);

    // Cut mid-way: the download fails, rather than ending as if it were complete.
    const cut = await exportCsv();
    expect(cut.status).toBe(200);
    const reader = cut.body!.getReader();
    let bytes = (await reader.read()).value!.length;
    expect(await terminateConnections(database, harness.admin()`AND state = 'active' AND query LIKE ${'%AS "checkId"%'}`)).toBe(1);
    const rest = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return bytes;
        bytes += value.length;
      }
    })();
    await expect(rest).rejects.toThrow();

    // The server gone: not a byte of CSV, a 503 the analyst can retry.
    await harness.server().halt();
    try {
      const refused = await exportCsv();
      expectCleanUnavailable({ status: refused.status, headers: refused.headers, json: await refused.json() });
    } finally {
      await harness.server().resume();
    }
    await expect.poll(() => exportCsv().then((r) => r.status), RECOVERY).toBe(200);
  });
});
