import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../../helpers/app.js';
import { freshPostgresUrl, postgresAvailable } from '../../helpers/postgres.js';

const METRICS_KEY = 'round-trips-metrics-key';

/** The node's own count of round trips to PostgreSQL and its time waiting on them, from /metrics. */
async function waits(app: Awaited<ReturnType<typeof testApp>>) {
  const { text } = await app.call('GET', '/metrics', { key: METRICS_KEY });
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return { roundTrips: value('vouchsafe_db_round_trips_total'), seconds: value('vouchsafe_db_wait_seconds_total') };
}

describe.skipIf(!postgresAvailable)('round trips to PostgreSQL', () => {
  // docs/operations.md ("Several nodes") promises three: BEGIN with the lookups, the writes, COMMIT.
  // A change that adds one to every check fails here.
  it('are three for a new check, with or without a known customer, each counted with its wait', async () => {
    // Time stands still, so nothing the service reads again after a while (the store registry) is read mid-check.
    const now = Date.now();
    const app = await testApp({ databasePath: await freshPostgresUrl(), idSecret: `secret-${randomBytes(16).toString('hex')}`, metricsKey: METRICS_KEY, clock: () => now });
    const till = await app.makeKey('till', [STORE]);
    // Once only, beside the first check: the till's key is read from the database, and the store,
    // which the registry lacks, is noted (without waiting). Both are long done after a second check.
    for (let i = 0; i < 2; i++) expect((await app.call('POST', '/v1/checks', { key: till, body: aCheck() })).status).toBe(201);

    const customers = [{ ageBand: '70_79' }, { ageBand: '70_79', loyaltyId: '6340000000042' }, { ageBand: '70_79', loyaltyId: '6340000000042' }] as const;
    for (const customer of customers) {
      const before = await waits(app);
      const made = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ customer }) });
      expect(made.status).toBe(201);
      const after = await waits(app);
      expect(after.roundTrips - before.roundTrips).toBe(3);
      expect(after.seconds).toBeGreaterThan(before.seconds);
    }
  });

  it('are counted for the store that made them, not another store in the same process', async () => {
    const [one, other] = await Promise.all(
      [0, 1].map(async () => testApp({ databasePath: await freshPostgresUrl(), idSecret: `secret-${randomBytes(16).toString('hex')}`, metricsKey: METRICS_KEY })),
    );
    const till = await one!.makeKey('till', [STORE]);
    const before = await waits(other!);
    for (let i = 0; i < 5; i++) expect((await one!.call('POST', '/v1/checks', { key: till, body: aCheck() })).status).toBe(201);
    expect(await waits(other!)).toEqual(before);
    expect((await waits(one!)).roundTrips).toBeGreaterThanOrEqual(5 * 3);
  });
});
