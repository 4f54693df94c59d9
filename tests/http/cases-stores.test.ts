import { describe, expect, it } from 'vitest';
import { recordFreezeRequest, recordFreezeResult } from '../../src/cases/index.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';

const MINUTE = 60_000;

const STORES = [
  { kind: 'sqlite', available: true, options: async () => ({}) },
  { kind: 'postgres', available: postgresAvailable, options: async () => ({ databasePath: await freshPostgresUrl(), idSecret: 'case-freeze-test-secret-0123456789abcdef' }) },
] as const;

/**
 * The freeze requests and results a processor integration records (wired to the cards sold later):
 * through the domain functions it will call, read back through the API, on both stores.
 */
for (const store of STORES) {
  describe.skipIf(!store.available)(`cases on ${store.kind}`, () => {
    it('moves open → freeze requested → partly frozen → closed, adds up the values, and refuses a result before a request', async () => {
      let now = Date.parse('2026-11-20T10:00:00.000Z');
      const app = await testApp({ clock: () => now, ...(await store.options()) });
      const till = await app.makeKey('till', [STORE]);
      const decided = (await app.call('POST', '/v1/checks', { key: till, body: aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }] }) })).json;
      now += MINUTE;
      const escalated = await app.call('POST', `/v1/checks/${decided.checkId}/escalations`, { key: till, body: { step: 'called_police', by: 'C1' } });
      const { caseId } = escalated.json;
      const { store: db } = app.services;
      const within = <T>(work: Parameters<typeof db.transaction<T>>[0]) => db.transaction(work);

      await expect(
        within(async (tx) => recordFreezeResult(tx, (await tx.cases.findById(caseId))!, { at: now, actor: 'processor', status: 'frozen', valueFrozen: 1, valueLost: 0, detail: {} })),
      ).rejects.toMatchObject({ code: 'case_status_conflict' });

      now += 4 * MINUTE;
      const requestedAt = now;
      await within(async (tx) => recordFreezeRequest(tx, (await tx.cases.findById(caseId))!, { at: now, actor: null, detail: { cards: 3 } }));
      now += MINUTE;
      await within(async (tx) => recordFreezeResult(tx, (await tx.cases.findById(caseId))!, { at: now, actor: 'key_processor', status: 'frozen', valueFrozen: 20000, valueLost: 0, detail: { cards: 2 } }));
      await within(async (tx) => recordFreezeResult(tx, (await tx.cases.findById(caseId))!, { at: now, actor: 'key_processor', status: 'partly_frozen', valueFrozen: 0, valueLost: 10000, detail: { cards: 1 } }));

      const read = await app.call('GET', `/v1/cases/${caseId}`, { key: app.adminKey });
      expect(read.json).toMatchObject({ status: 'partly_frozen', valueFrozen: 20000, valueLost: 10000, freezeRequestedAt: new Date(requestedAt).toISOString() });
      expect(read.json.timeline.map((entry: { kind: string }) => entry.kind).slice(-4)).toEqual(['escalation', 'freeze_requested', 'freeze_result', 'freeze_result']);

      const closed = await app.call('PATCH', `/v1/cases/${caseId}`, { key: app.adminKey, body: { status: 'closed', reason: 'Two of three cards held; issuer refunding.' } });
      expect(closed.json.status).toBe('closed');
      await expect(
        within(async (tx) => recordFreezeResult(tx, (await tx.cases.findById(caseId))!, { at: now, actor: 'processor', status: 'frozen', valueFrozen: 1, valueLost: 0, detail: {} })),
      ).rejects.toMatchObject({ code: 'case_status_conflict' });
      const reopened = await app.call('PATCH', `/v1/cases/${caseId}`, { key: app.adminKey, body: { status: 'open', reason: 'The third card’s issuer called.' } });
      expect(reopened.json).toMatchObject({ status: 'partly_frozen', valueFrozen: 20000 });
    });

    it('opens one case when causes race on the same check', async () => {
      const app = await testApp(await store.options());
      const till = await app.makeKey('till', [STORE]);
      const decided = (await app.call('POST', '/v1/checks', { key: till, body: aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }] }) })).json;
      const steps = ['called_police', 'called_bank_159', 'called_family', 'called_card_issuer'] as const;
      const answers = await Promise.all(steps.map((step) => app.call('POST', `/v1/checks/${decided.checkId}/escalations`, { key: till, body: { step, by: 'C1' } })));
      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201]);
      expect(new Set(answers.map((answer) => answer.json.caseId)).size).toBe(1);
      const read = await app.call('GET', `/v1/cases/${answers[0]!.json.caseId}`, { key: app.adminKey });
      expect(read.json.timeline.filter((entry: { kind: string }) => entry.kind === 'escalation')).toHaveLength(4);
      expect(read.json.timeline.filter((entry: { kind: string }) => entry.kind === 'case_opened')).toHaveLength(1);
    });
  });
}
