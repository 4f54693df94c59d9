import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCheck, STORE } from '../helpers/app.js';
import { findPostgresBinaries, startTestServer, type TestServer } from '../helpers/postgres-server.js';
import { editedRules, RAZER_RULE } from '../helpers/rules.js';
import { startService } from '../helpers/service-process.js';

/** Generous: the box is shared, and a connection that failed waits a back-off before it tries again. */
const RECOVERY = { timeout: 60_000, interval: 250 };
/** Longer than any wait the service should ever make a till sit through, so a hung request fails the test. */
const HUNG_MS = 60_000;
/** Each test stops, starts or cuts a database server and waits for two nodes to recover: minutes on a loaded box, not seconds. */
const LONG = { timeout: 240_000 };

interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

/** What a node answers, as a till or an admin sees it. */
async function call(base: string, method: string, path: string, key: string, body?: unknown): Promise<Answer> {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(HUNG_MS),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

/** A 503 a till or load balancer can act on: problem+json, a stable code, and when to try again. */
function expectCleanUnavailable(answer: Answer, codes: string[] = ['storage_unavailable']) {
  expect(answer.status).toBe(503);
  expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
  if (codes.includes('database_unavailable')) {
    // /healthz answers JSON for load balancers, with the database's state.
    expect(answer.json).toMatchObject({ status: expect.toBeOneOf(codes), database: { kind: 'postgres', ok: false } });
  } else {
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json).toMatchObject({ status: 503, code: expect.toBeOneOf(codes) });
  }
}

const bin = findPostgresBinaries();

describe.skipIf(!bin)('a node whose PostgreSQL database goes away and comes back', () => {
  // A server of these tests' own, so that they can cut its connections and stop it.
  let server: TestServer;
  let admin: postgres.Sql;
  beforeAll(async () => {
    server = await startTestServer(bin!);
    admin = postgres(server.url, { max: 1, onnotice: () => {} });
  }, 120_000);
  afterAll(async () => {
    await admin?.end({ timeout: 5 });
    await server?.stop();
  });

  /** Cuts every connection to the database (both nodes' pools, listeners and cursors), as a failover or a DBA would. */
  async function terminateConnections(database: string, where: postgres.PendingQuery<postgres.Row[]> = admin``) {
    const rows = await admin<{ pid: number }[]>`
      SELECT pid FROM pg_stat_activity WHERE datname = ${database} AND pid <> pg_backend_pid() ${where}`;
    for (const { pid } of rows) await admin`SELECT pg_terminate_backend(${pid})`;
    return rows.length;
  }

  /** Two service processes on one database of the test server, as the README starts them. */
  async function twoNodes() {
    const database = `outage_${randomBytes(6).toString('hex')}`;
    await admin`CREATE DATABASE ${admin(database)}`;
    const url = new URL(server.url);
    url.pathname = `/${database}`;
    const adminKey = `outage-admin-${randomBytes(16).toString('hex')}`;
    const env = {
      VOUCHSAFE_DB: url.toString(),
      VOUCHSAFE_ID_SECRET: `outage-secret-${randomBytes(16).toString('hex')}`,
      VOUCHSAFE_ADMIN_KEY: adminKey,
      VOUCHSAFE_DB_POOL: '4',
    };
    const nodeA = startService(env);
    const a = await nodeA.listening;
    const nodeB = startService(env);
    const b = await nodeB.listening;
    const till = (await call(a, 'POST', '/v1/keys', adminKey, { role: 'till', name: 'Outage tills', storeIds: [STORE] })).json.key as string;
    return { a, b, nodeA, nodeB, adminKey, till, database };
  }

  /** A rule set published and a key revoked on A reach B: B's listener is back. */
  async function expectEventsReachB(a: string, b: string, adminKey: string, till: string) {
    const published = await retried(() => call(a, 'PUT', '/v1/rules', adminKey, editedRules({ file: 'razer.yaml', append: RAZER_RULE })));
    expect(published.json.status).toBe('active');
    const razer = aCheck({ lines: [{ kind: 'gift_card', brand: 'razer_gold', unitAmount: 5000 }] });
    await expect.poll(() => call(b, 'POST', '/v1/checks', till, { ...razer, transactionId: `${razer.transactionId}-${randomBytes(3).toString('hex')}` }).then((r) => r.json), RECOVERY)
      .toMatchObject({ action: 'hold', ruleSetVersion: published.json.version });

    const other = (await retried(() => call(a, 'POST', '/v1/keys', adminKey, { role: 'till', name: 'A till to revoke', storeIds: [STORE] }))).json;
    // B has the key cached before it is revoked on A.
    expect((await call(b, 'POST', '/v1/checks', other.key, aCheck())).status).toBe(201);
    expect((await retried(() => call(a, 'DELETE', `/v1/keys/${other.id}`, adminKey))).status).toBe(200);
    await expect.poll(() => call(b, 'POST', '/v1/checks', other.key, aCheck()).then((r) => r.status), RECOVERY).toBe(401);
  }

  /** Sends again after a clean 503, as a till or an admin would: anything else is the answer. */
  async function retried(send: () => Promise<Answer>): Promise<Answer> {
    let answer!: Answer;
    await expect
      .poll(async () => {
        answer = await send();
        if (answer.status === 503) expectCleanUnavailable(answer);
        return answer.status;
      }, RECOVERY)
      .not.toBe(503);
    return answer;
  }

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
    expect(await terminateConnections(database, admin`AND query ILIKE 'listen%'`)).toBe(2);
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
    const db = postgres(new URL(`/${database}`, server.url).toString(), { max: 1, onnotice: () => {} });
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
    expect(await terminateConnections(database, admin`AND state = 'active' AND query LIKE ${'%AS "checkId"%'}`)).toBe(1);
    const rest = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return bytes;
        bytes += value.length;
      }
    })();
    await expect(rest).rejects.toThrow();

    // The server gone: not a byte of CSV, a 503 the analyst can retry.
    await server.halt();
    try {
      const refused = await exportCsv();
      expectCleanUnavailable({ status: refused.status, headers: refused.headers, json: await refused.json() });
    } finally {
      await server.resume();
    }
    await expect.poll(() => exportCsv().then((r) => r.status), RECOVERY).toBe(200);
  });

  it('answers 503 while the server is down, and recovers when it is back, without a restart', LONG, async () => {
    const { a, b, nodeA, nodeB, adminKey, till } = await twoNodes();
    // Both keys are cached, so the check itself meets the outage, not the key's look-up.
    expect((await call(a, 'POST', '/v1/checks', till, aCheck())).status).toBe(201);
    expect((await call(b, 'POST', '/v1/checks', till, aCheck())).status).toBe(201);
    expect((await call(a, 'GET', '/healthz', adminKey)).status).toBe(200);

    await server.halt();
    try {
      for (const node of [a, b]) {
        expectCleanUnavailable(await call(node, 'POST', '/v1/checks', till, aCheck()));
        expectCleanUnavailable(await call(node, 'GET', '/healthz', adminKey), ['database_unavailable']);
      }
      // Again, once the connections' back-off has grown.
      expectCleanUnavailable(await call(a, 'POST', '/v1/checks', till, aCheck()));
    } finally {
      await server.resume();
    }

    for (const node of [a, b]) {
      await expect.poll(() => call(node, 'GET', '/healthz', adminKey).then((r) => r.status), RECOVERY).toBe(200);
      await expect.poll(() => call(node, 'POST', '/v1/checks', till, aCheck()).then((r) => r.status), RECOVERY).toBe(201);
    }
    await expectEventsReachB(a, b, adminKey, till);
    // The same processes all along.
    expect(nodeA.child.exitCode).toBeNull();
    expect(nodeB.child.exitCode).toBeNull();
    expect(nodeA.output()).not.toMatch(/"level":"(error|fatal)","message":"(request failed|uncaught)/);
  });
});
