import { describe, expect, it } from 'vitest';
import { aCheck, STORE } from '../helpers/app.js';
import { call, startTwoNodes } from '../helpers/nodes.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';
import { editedRules, RAZER_RULE } from '../helpers/rules.js';

const twoNodes = async () => startTwoNodes(await freshPostgresUrl());

describe.skipIf(!postgresAvailable)('two nodes on one PostgreSQL database', () => {
  // Two services, a publish, a rollback, an export and a revocation: a minute's budget on a loaded 2-core machine.
  it('agree on checks, transactions, rule sets and keys', { timeout: 60_000 }, async () => {
    const { a, b, adminKey, till } = await twoNodes();

    // A check made on node A is answered on node B.
    const made = await call(a, 'POST', '/v1/checks', till, aCheck({ lines: [{ kind: 'gift_card', brand: 'google_play', unitAmount: 10000, quantity: 3 }], customer: { ageBand: '70_79' } }));
    expect(made.status).toBe(201);
    expect(made.json.action).not.toBe('allow');
    const answered = await call(b, 'POST', `/v1/checks/${made.json.checkId}/answers`, till, { answers: { codesRequested: 'yes' } });
    expect(answered.status).toBe(200);
    expect(answered.json.revision).toBe(2);
    expect((await call(a, 'GET', `/v1/checks/${made.json.checkId}`, till)).json.evaluations).toHaveLength(2);

    // The same transaction sent to both at once is one check.
    for (let round = 0; round < 5; round++) {
      const body = aCheck();
      const [first, second] = await Promise.all([call(a, 'POST', '/v1/checks', till, body), call(b, 'POST', '/v1/checks', till, body)]);
      expect([first.status, second.status].sort()).toEqual([200, 201]);
      expect(first.json.checkId).toBe(second.json.checkId);
    }

    // A rule set published on A decides the next check on B.
    const published = await call(a, 'PUT', '/v1/rules', adminKey, editedRules({ file: 'razer.yaml', append: RAZER_RULE }));
    expect(published.json.status).toBe('active');
    const razer = () => call(b, 'POST', '/v1/checks', till, aCheck({ lines: [{ kind: 'gift_card', brand: 'razer_gold', unitAmount: 5000 }] })).then((r) => r.json);
    await expect.poll(razer, { timeout: 10_000, interval: 100 }).toMatchObject({ action: 'hold', ruleSetVersion: published.json.version });

    // A rollback on B reaches A.
    const rolledBack = await call(b, 'POST', '/v1/rules/rollback', adminKey, {});
    expect(rolledBack.status).toBe(200);
    await expect.poll(() => call(a, 'GET', '/healthz', adminKey).then((r) => r.json.ruleSetVersion), { timeout: 10_000, interval: 100 }).toBe(rolledBack.json.version);

    // Reports, the export and a back-test on B read everything both nodes wrote.
    const analyst = (await call(a, 'POST', '/v1/keys', adminKey, { role: 'analyst', name: 'Both nodes’ analyst' })).json.key as string;
    const summary = await call(b, 'GET', '/v1/reports/summary', analyst);
    expect(summary.status).toBe(200);
    const checks = summary.json.totals.checks as number;
    // The first check, five sent twice at once, and at least one Razer basket.
    expect(checks).toBeGreaterThanOrEqual(7);
    const csv = await fetch(new URL('/v1/reports/checks.csv', b), { headers: { authorization: `Bearer ${analyst}` } });
    expect(csv.status).toBe(200);
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(checks + 1);
    const backtest = await call(b, 'POST', '/v1/rules/backtest', analyst, { candidate: { version: published.json.version } });
    expect(backtest.status).toBe(200);
    expect(backtest.json.checks).toBe(checks);

    // A key revoked on A stops working on B, which had it cached.
    const other = (await call(a, 'POST', '/v1/keys', adminKey, { role: 'till', name: 'A till to revoke', storeIds: [STORE] })).json;
    expect((await call(b, 'POST', '/v1/checks', other.key, aCheck())).status).toBe(201);
    expect((await call(a, 'DELETE', `/v1/keys/${other.id}`, adminKey)).status).toBe(200);
    await expect.poll(() => call(b, 'POST', '/v1/checks', other.key, aCheck()).then((r) => r.status), { timeout: 10_000, interval: 100 }).toBe(401);
  });

  it('let a check be followed by its request id through the logs of both', async () => {
    // Behind a load balancer that names each request and, when a node is slow, sends it to the other.
    const { a, b, nodeA, nodeB, till } = await startTwoNodes(await freshPostgresUrl(), { VOUCHSAFE_TRUST_PROXY: 'true' });
    const requestId = 'lb-9f2c41-till-T04';
    const body = aCheck();
    const first = await call(a, 'POST', '/v1/checks', till, body, { 'x-request-id': requestId });
    const retried = await call(b, 'POST', '/v1/checks', till, body, { 'x-request-id': requestId });
    expect([first.status, retried.status]).toEqual([201, 200]);
    expect([first.headers.get('x-request-id'), retried.headers.get('x-request-id')]).toEqual([requestId, requestId]);

    const linesOf = (output: string) =>
      output
        .split('\n')
        // The last piece is a line still being written, or nothing.
        .slice(0, -1)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        // The access lines (a store the registry lacks also warns once per node, under the same id).
        .filter((entry) => entry.requestId === requestId && entry.message === 'request');
    // The access line is written once the answer is sent: it may reach the log a moment later.
    await expect.poll(() => linesOf(nodeA.output()).length + linesOf(nodeB.output()).length, { timeout: 10_000, interval: 50 }).toBe(2);
    const line = { level: 'info', message: 'request', method: 'POST', route: '/v1/checks', storeId: STORE, keyId: expect.stringMatching(/^key_/) };
    expect(linesOf(nodeA.output())).toEqual([expect.objectContaining({ ...line, status: 201 })]);
    expect(linesOf(nodeB.output())).toEqual([expect.objectContaining({ ...line, status: 200 })]);
  });

  it('carry a hold, a retry, a dashboard session and a till token from one node to the other', async () => {
    const { a, b, adminKey, till } = await twoNodes();

    // Held on A, released by the store's supervisor on B, its sale recorded on A.
    const supervisor = (await call(a, 'POST', '/v1/keys', adminKey, { role: 'supervisor', name: 'Supervisor', storeIds: [STORE] })).json.key as string;
    const held = await call(a, 'POST', '/v1/checks', till, aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }], customer: { ageBand: '80_plus' } }));
    expect(held.json).toMatchObject({ action: 'hold', review: { status: 'open' } });
    const released = await call(b, 'POST', `/v1/checks/${held.json.checkId}/review`, supervisor, { decision: 'release', supervisorRef: 'S0042' });
    expect(released.status).toBe(200);
    expect(released.json.status).toBe('released');
    expect((await call(a, 'POST', `/v1/checks/${held.json.checkId}/outcome`, till, { outcome: 'proceeded_after_warning' })).status).toBe(201);
    expect((await call(b, 'GET', `/v1/checks/${held.json.checkId}`, till)).json).toMatchObject({
      review: { status: 'released' },
      outcome: { outcome: 'proceeded_after_warning' },
    });

    // A till's retry under the same Idempotency-Key, sent to the other node, gets the first answer again.
    const send = (base: string) =>
      fetch(new URL('/v1/checks', base), {
        method: 'POST',
        headers: { authorization: `Bearer ${till}`, 'content-type': 'application/json', 'idempotency-key': 'till-7-sale-1' },
        body: JSON.stringify(aCheck({ transactionId: 'idempotent-across-nodes' })),
      });
    const first = await send(a);
    const retried = await send(b);
    expect(first.status).toBe(201);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(await retried.text()).toBe(await first.text());

    // Signed in to the dashboard on A, the analyst's next page comes from B.
    const analyst = (await call(a, 'POST', '/v1/keys', adminKey, { role: 'analyst', name: 'Analyst' })).json.key as string;
    const signedIn = await fetch(new URL('/dashboard/sign-in', a), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(a).origin },
      body: new URLSearchParams({ key: analyst }).toString(),
    });
    expect(signedIn.status).toBe(303);
    const session = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(new URL('/dashboard', b), { redirect: 'manual', headers: { cookie: session } });
    expect(page.status).toBe(200);
    expect((await fetch(new URL('/dashboard', b), { redirect: 'manual' })).status).toBe(303);

    // A till token minted on A is good on B (the nodes share the identity secret), until its key is revoked on A.
    const backOffice = (await call(a, 'POST', '/v1/keys', adminKey, { role: 'till', name: 'Back office', storeIds: [STORE] })).json;
    const minted = await call(a, 'POST', '/v1/till-tokens', backOffice.key, { storeId: STORE, tillId: 'T04' });
    expect(minted.status).toBe(201);
    expect((await call(b, 'POST', '/v1/checks', minted.json.token, aCheck())).status).toBe(201);
    expect((await call(a, 'DELETE', `/v1/keys/${backOffice.id}`, adminKey)).status).toBe(200);
    await expect.poll(() => call(b, 'POST', '/v1/checks', minted.json.token, aCheck()).then((r) => r.status), { timeout: 10_000, interval: 100 }).toBe(401);
  });
});
