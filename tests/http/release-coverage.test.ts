import { describe, expect, it } from 'vitest';
import type { CheckInput } from '../../src/contract/check.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';

type Line = CheckInput['lines'][number];
const cards = (brand: string, unitAmount: number, quantity: number): Line => ({ kind: 'gift_card', brand, unitAmount, quantity });
/** £10 of Amazon cards for a customer who asked about reading out the codes: held, and released with no reason. */
const released = [cards('amazon', 1000, 1)];
const askedAboutCodes = { askedAboutCodes: true };
const milk: Line = { kind: 'merchandise', unitAmount: 155, quantity: 1 };

const STORES = [
  { kind: 'sqlite', available: true, options: async () => ({}) },
  { kind: 'postgres', available: postgresAvailable, options: async () => ({ databasePath: await freshPostgresUrl(), idSecret: 'coverage-test-secret-0123456789abcdef' }) },
] as const;

for (const store of STORES) {
  describe.skipIf(!store.available)(`a release covers only the basket it was made for (${store.kind})`, () => {
    async function releasedCheck() {
      let now = Date.parse('2026-11-20T10:00:00.000Z');
      // The webhook's host resolves to a public address; nothing is sent (no delivery runs here).
      const app = await testApp({ clock: () => now, webhookResolve: async () => ['93.184.215.14'], ...(await store.options()) });
      const till = await app.makeKey('till', [STORE]);
      const supervisor = await app.makeKey('supervisor', [STORE]);
      const webhook = (await app.call('POST', '/v1/webhooks', { key: app.adminKey, body: { url: 'https://lp.example.com/hooks', events: ['check.held'] } })).json;
      const body = aCheck({ lines: released, signals: askedAboutCodes });
      const held = (await app.call('POST', '/v1/checks', { key: till, body })).json;
      expect(held).toMatchObject({ action: 'hold', review: { status: 'open' } });
      now += 60_000;
      const release = await app.call('POST', `/v1/checks/${held.checkId}/review`, { key: supervisor, body: { decision: 'release', supervisorRef: 'S0042' } });
      expect(release.status).toBe(200);
      now += 60_000;
      const resend = async (lines: Line[], signals: CheckInput['signals'] = askedAboutCodes) => {
        const response = await app.call('POST', '/v1/checks', { key: till, body: { ...body, lines, signals } });
        expect(response.status).toBe(200);
        expect(response.json.checkId).toBe(held.checkId);
        return response.json;
      };
      const outcome = (sold = 'proceeded') => app.call('POST', `/v1/checks/${held.checkId}/outcome`, { key: till, body: { outcome: sold } });
      const heldEvents = async () =>
        ((await app.call('GET', `/v1/webhooks/${webhook.id}/deliveries`, { key: app.adminKey })).json.deliveries as { event: { data: { revision: number } } }[])
          .map((delivery) => delivery.event.data.revision)
          .sort();
      return { ...app, till, supervisor, held, resend, outcome, heldEvents, now: () => now };
    }

    it('£10,000 of iTunes cards after a £10 release is held again, with a review of its own and check.held', async () => {
      const { held, resend, outcome, heldEvents, call, supervisor, now, adminKey } = await releasedCheck();
      // The attack as found: a score of 70 on its own, which the £10 release used to cover.
      const bigger = await resend([cards('itunes', 10000, 100)], {});
      expect(bigger).toMatchObject({ revision: 2, action: 'hold', next: { step: 'wait_for_supervisor' }, review: { status: 'open', openedAt: new Date(now()).toISOString() } });
      expect(await heldEvents()).toEqual([1, 2]);
      const sold = await outcome();
      expect(sold.status).toBe(409);
      expect(sold.json).toMatchObject({ code: 'outcome_conflicts_with_decision', review: { status: 'open' } });

      // The supervisor sees the new hold, and the first release is kept as it was made.
      const open = (await call('GET', '/v1/reviews', { key: supervisor })).json.reviews;
      expect(open).toEqual([expect.objectContaining({ checkId: held.checkId, revision: 2, status: 'open', releasedRevision: null, storedValue: 1_000_000 })]);
      const releases = (await call('GET', '/v1/reviews?status=released', { key: supervisor })).json.reviews;
      expect(releases).toEqual([
        expect.objectContaining({ checkId: held.checkId, revision: 1, releasedRevision: 1, closedBy: expect.objectContaining({ supervisorRef: 'S0042' }) }),
      ]);

      // The holds report counts two holds, and the release at what it released.
      const report = (await call('GET', '/v1/reports/holds?from=2026-11-20&to=2026-11-20', { key: adminKey })).json;
      expect(report.totals).toMatchObject({ opened: 2, open: 1, released: 1, releasedValue: { GBP: 1000 } });

      // Releasing the new hold needs what any release of that value needs: a reason.
      const second = await call('POST', `/v1/checks/${held.checkId}/review`, { key: supervisor, body: { decision: 'release', supervisorRef: 'S0042' } });
      expect(second.status).toBe(400);
      expect(second.json.field).toBe('reason');
    });

    it('a card the supervisor never saw is decided afresh, even for less', async () => {
      const { resend, outcome, heldEvents } = await releasedCheck();
      const other = await resend([cards('google_play', 500, 1)]);
      expect(other).toMatchObject({ action: 'hold', next: { step: 'wait_for_supervisor' }, review: { status: 'open' } });
      expect(await heldEvents()).toEqual([1, 2]);
      expect((await outcome()).status).toBe(409);
    });

    it('a trimmed basket, or one with merchandise added, stays released', async () => {
      const { resend, outcome, heldEvents } = await releasedCheck();
      const trimmed = await resend([cards('amazon', 500, 1), milk]);
      expect(trimmed).toMatchObject({ revision: 2, next: { step: 'finish_sale' }, review: { status: 'released' } });
      const back = await resend(released);
      expect(back.review.status).toBe('released');
      expect(await heldEvents()).toEqual([1]);
      expect((await outcome()).status).toBe(201);
    });

    it('a hold after a release is decided afresh: the new basket is not held merely for having been held before', async () => {
      const { resend, outcome, heldEvents } = await releasedCheck();
      // More of the released card, and no longer a customer asking about codes: the engine would not hold it.
      const small = await resend([cards('amazon', 1000, 3)], {});
      expect(small.action).not.toBe('hold');
      expect(small.review.status).toBe('released');
      expect(await heldEvents()).toEqual([1]);
      expect((await outcome()).status).toBe(201);
    });
  });
}
