import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';

/** £300 of Apple cards for a customer over 80: held on score alone. */
const heldBasket = () => aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }], customer: { ageBand: '80_plus' } });
const ROUNDS = 30;

const STORES = [
  { kind: 'sqlite', available: true, options: async () => ({}) },
  { kind: 'postgres', available: postgresAvailable, options: async () => ({ databasePath: await freshPostgresUrl(), idSecret: 'races-test-secret-0123456789abcdef' }) },
] as const;

for (const store of STORES) {
  // Both requests go to the service at once, round after round; on PostgreSQL they run on two connections.
  describe.skipIf(!store.available)(`a release racing another close of the same hold (${store.kind})`, () => {
    async function setUp() {
      let now = Date.parse('2026-11-20T10:00:00.000Z');
      const app = await testApp({ clock: () => now, ...(await store.options()) });
      const till = await app.makeKey('till', [STORE]);
      const supervisor = await app.makeKey('supervisor', [STORE]);
      const held = async () => {
        const response = await app.call('POST', '/v1/checks', { key: till, body: heldBasket() });
        expect(response.json.action).toBe('hold');
        return response.json.checkId as string;
      };
      const release = (checkId: string) => app.call('POST', `/v1/checks/${checkId}/review`, { key: supervisor, body: { decision: 'release', supervisorRef: 'S0042' } });
      return { ...app, till, supervisor, held, release, advance: (ms: number) => (now += ms), now: () => now };
    }

    /** The release either won (200) or found the hold closed by the other: never a 500. */
    function expectReleaseAnswered(response: { status: number; json: any }): boolean {
      if (response.status === 200) return true;
      expect(response.status, JSON.stringify(response.json)).toBe(409);
      expect(response.json.code).toBe('review_closed');
      return false;
    }

    it('with a refusal decided on the customer’s answers: one of them wins, the other is told', { timeout: 120_000 }, async () => {
      const { held, release, call, till } = await setUp();
      for (let round = 0; round < ROUNDS; round++) {
        const checkId = await held();
        const [released, answered] = await Promise.all([
          release(checkId),
          call('POST', `/v1/checks/${checkId}/answers`, { key: till, body: { answers: { codesRequested: 'yes' } } }),
        ]);
        expect(answered.status, JSON.stringify(answered.json)).toBe(200);
        expect(answered.json.action).toBe('refuse');
        // A refusal after a release stands; a refusal first closes the review, and the release finds it closed.
        expect(answered.json.review.status).toBe(expectReleaseAnswered(released) ? 'released' : 'refused');
      }
    });

    it('with an outcome recorded: the outcome is kept either way', { timeout: 120_000 }, async () => {
      const { held, release, call, till } = await setUp();
      for (let round = 0; round < ROUNDS; round++) {
        const checkId = await held();
        const [released, recorded] = await Promise.all([
          release(checkId),
          call('POST', `/v1/checks/${checkId}/outcome`, { key: till, body: { outcome: 'abandoned' } }),
        ]);
        expect(recorded.status, JSON.stringify(recorded.json)).toBe(201);
        const review = (await call('GET', `/v1/checks/${checkId}`, { key: till })).json.review;
        expect(review.status).toBe(expectReleaseAnswered(released) ? 'released' : 'refused');
      }
    });

    it('with a bigger basket: whichever comes first, the bigger basket is never sold on the smaller one’s release', { timeout: 120_000 }, async () => {
      const { release, call, till } = await setUp();
      for (let round = 0; round < ROUNDS; round++) {
        // £10 of Amazon cards for a customer asking about the codes: held, and released without a reason.
        const body = aCheck({ lines: [{ kind: 'gift_card', brand: 'amazon', unitAmount: 1000, quantity: 1 }], signals: { askedAboutCodes: true } });
        const held = (await call('POST', '/v1/checks', { key: till, body })).json;
        expect(held.action).toBe('hold');
        const [released, bigger] = await Promise.all([
          release(held.checkId),
          call('POST', '/v1/checks', { key: till, body: { ...body, lines: [{ kind: 'gift_card', brand: 'itunes', unitAmount: 10000, quantity: 100 }], signals: {} } }),
        ]);
        expect(bigger.json).toMatchObject({ action: 'hold', review: { status: 'open' } });
        // Released first: the bigger basket opened a review of its own. Bigger first: releasing £10,000 needs a reason.
        if (released.status !== 200) expect(released.json.field, JSON.stringify(released.json)).toBe('reason');
        const sold = await call('POST', `/v1/checks/${held.checkId}/outcome`, { key: till, body: { outcome: 'proceeded' } });
        expect(sold.status, JSON.stringify(sold.json)).toBe(409);
      }
    });

    it('with the sweeper writing the hold down as expired: a till’s release made in time still stands', { timeout: 120_000 }, async () => {
      const { held, call, till, services, advance, now } = await setUp();
      for (let round = 0; round < ROUNDS; round++) {
        const checkId = await held();
        const decidedAt = new Date(now() + 60_000).toISOString();
        advance(10 * 60_000);
        const [released] = await Promise.all([
          call('POST', `/v1/checks/${checkId}/review`, { key: till, body: { decision: 'release', supervisorRef: 'S0042', decidedAt } }),
          services.reviews.sweep(),
        ]);
        expect(released.status, JSON.stringify(released.json)).toBe(200);
        expect(released.json).toMatchObject({ status: 'released', closedAt: decidedAt });
      }
    });

    it('with a refusal by another supervisor: exactly one decision stands', { timeout: 120_000 }, async () => {
      const { held, release, call, supervisor } = await setUp();
      for (let round = 0; round < ROUNDS; round++) {
        const checkId = await held();
        const [released, refused] = await Promise.all([
          release(checkId),
          call('POST', `/v1/checks/${checkId}/review`, { key: supervisor, body: { decision: 'refuse', supervisorRef: 'S0007' } }),
        ]);
        const releaseWon = expectReleaseAnswered(released);
        expect(refused.status, JSON.stringify(refused.json)).toBe(releaseWon ? 409 : 200);
        if (releaseWon) expect(refused.json.code).toBe('review_closed');
      }
    });
  });
}
