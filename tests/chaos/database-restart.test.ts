import { describe, expect, it } from 'vitest';
import { aCheck } from '../helpers/app.js';
import { expectCleanUnavailable, LONG, outageHarness, postgresBinaries, RECOVERY } from '../helpers/database-outage.js';
import { call } from '../helpers/nodes.js';

// Part of `npm run chaos`, not `npm test`: see docs/operations.md, "Reliability", for why.
describe.skipIf(!postgresBinaries)('a node whose PostgreSQL server stops and starts again', () => {
  const harness = outageHarness();
  const { twoNodes, expectEventsReachB } = harness;

  it('answers 503 while the server is down, and recovers when it is back, without a restart', LONG, async () => {
    const { a, b, nodeA, nodeB, adminKey, till } = await twoNodes();
    // Both keys are cached, so the check itself meets the outage, not the key's look-up.
    expect((await call(a, 'POST', '/v1/checks', till, aCheck())).status).toBe(201);
    expect((await call(b, 'POST', '/v1/checks', till, aCheck())).status).toBe(201);
    expect((await call(a, 'GET', '/healthz', adminKey)).status).toBe(200);

    await harness.server().halt();
    try {
      for (const node of [a, b]) {
        expectCleanUnavailable(await call(node, 'POST', '/v1/checks', till, aCheck()));
        expectCleanUnavailable(await call(node, 'GET', '/healthz', adminKey), ['database_unavailable']);
      }
      // Again, once the connections' back-off has grown.
      expectCleanUnavailable(await call(a, 'POST', '/v1/checks', till, aCheck()));
    } finally {
      await harness.server().resume();
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
