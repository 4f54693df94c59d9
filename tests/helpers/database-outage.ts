import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, expect } from 'vitest';
import { aCheck, STORE } from './app.js';
import { type Answer, call, startTwoNodes } from './nodes.js';
import { findPostgresBinaries, startTestServer, type TestServer } from './postgres-server.js';
import { editedRules, RAZER_RULE } from './rules.js';

/** Generous: the box is shared, and a connection that failed waits a back-off before it tries again. */
export const RECOVERY = { timeout: 60_000, interval: 250 };
/** Each test stops, starts or cuts a database server and waits for two nodes to recover: minutes on a loaded box, not seconds. */
export const LONG = { timeout: 240_000 };

/** A 503 a till or load balancer can act on: problem+json, a stable code, and when to try again. */
export function expectCleanUnavailable(answer: Answer, codes: string[] = ['storage_unavailable']) {
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

export const postgresBinaries = findPostgresBinaries();

/**
 * A PostgreSQL server of the calling suite's own (started before its tests, stopped after; `durable`: every
 * commit on disk before it is answered, for tests that restart it and look for what was acknowledged), so that
 * its tests can cut its connections and stop it, and what they do with two nodes on it. Call inside
 * a describe.
 */
export function outageHarness({ durable = false }: { durable?: boolean } = {}) {
  const bin = postgresBinaries;
  // A server of these tests' own, so that they can cut its connections and stop it.
  let server: TestServer;
  let admin: postgres.Sql;
  beforeAll(async () => {
    server = await startTestServer(bin!, { durable });
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

  /** Two service processes on one database of the test server, as docs/operations.md ("Run several nodes") starts them. */
  async function twoNodes() {
    const database = `outage_${randomBytes(6).toString('hex')}`;
    await admin`CREATE DATABASE ${admin(database)}`;
    const url = new URL(server.url);
    url.pathname = `/${database}`;
    const nodes = await startTwoNodes(url.toString());
    return { ...nodes, database };
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

  return { server: () => server, admin: () => admin, terminateConnections, twoNodes, expectEventsReachB, retried };
}
