import Database from 'better-sqlite3';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import type { CheckInput } from '../../src/contract/check.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';
import { undoBrandFamily, undoCardsSold, undoCases, undoDropRuleIndex, undoEvaluationsInRowidTable, undoExchangeAreaAlerts, undoExchangeSignal, undoHistoryCoveringIndex, undoReviewsPerHold, undoStoresAndAreaAlerts, undoWebhookProbes } from '../helpers/schema.js';

const itunes = (quantity: number): CheckInput['lines'] => [{ kind: 'gift_card', brand: 'itunes', unitAmount: 10000, quantity }];
/** £300 for a customer over 80: held, and released without a reason. */
const heldBasket = () => aCheck({ lines: itunes(3), customer: { ageBand: '80_plus' } });
const SECRET = 'migration-test-secret-0123456789abcdef';

const POSTGRES_BEFORE = `
  DROP TABLE relayed_area_alerts;
  DELETE FROM schema_migrations WHERE version = 14;
  DROP INDEX checks_for_history;
  DELETE FROM schema_migrations WHERE version = 13;
  ALTER TABLE checks DROP COLUMN brand_family;
  DELETE FROM schema_migrations WHERE version = 11;
  ALTER TABLE evaluations DROP COLUMN network;
  DELETE FROM schema_migrations WHERE version = 10;
  DROP TABLE stores, unknown_stores, area_alerts;
  ALTER TABLE evaluations DROP COLUMN area;
  DELETE FROM schema_migrations WHERE version = 9;
  DROP TABLE check_cards;
  ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
  ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('till', 'supervisor', 'analyst', 'admin'));
  DELETE FROM schema_migrations WHERE version = 8;
  DROP TABLE case_events;
  DROP TABLE cases;
  DELETE FROM schema_migrations WHERE version = 7;
  ALTER TABLE webhook_endpoints DROP COLUMN probe_after;
  DELETE FROM schema_migrations WHERE version = 6;
  ALTER TABLE reviews DROP CONSTRAINT reviews_pkey;
  ALTER TABLE reviews DROP COLUMN revision, DROP COLUMN released_revision, ADD PRIMARY KEY (check_id);
  DELETE FROM schema_migrations WHERE version = 5;
`;

const STORES = [
  {
    kind: 'sqlite',
    available: true,
    location: async () => ({}),
    rollBack: (databasePath: string) => {
      const db = new Database(databasePath);
      undoDropRuleIndex(db);
      undoEvaluationsInRowidTable(db);
      undoExchangeAreaAlerts(db);
      undoHistoryCoveringIndex(db);
      undoBrandFamily(db);
      undoExchangeSignal(db);
      undoStoresAndAreaAlerts(db);
      undoCardsSold(db);
      undoCases(db);
      undoWebhookProbes(db);
      undoReviewsPerHold(db);
      db.pragma('user_version = 160');
      db.close();
    },
  },
  {
    kind: 'postgres',
    available: postgresAvailable,
    location: async () => ({ databasePath: await freshPostgresUrl(), idSecret: SECRET }),
    rollBack: async (databasePath: string) => {
      const sql = postgres(databasePath, { max: 1, onnotice: () => {} });
      await sql.unsafe(POSTGRES_BEFORE).simple();
      await sql.end();
    },
  },
] as const;

for (const store of STORES) {
  describe.skipIf(!store.available)(`reviews per hold, on a database that had one review per check (${store.kind})`, () => {
    it('keep every hold as it was: a release covers the basket as it stood, and a bigger one is held again', async () => {
      const now = Date.parse('2026-11-20T10:00:00.000Z');
      const first = await testApp({ clock: () => now, ...(await store.location()) });
      const till = await first.makeKey('till', [STORE]);
      const supervisor = await first.makeKey('supervisor', [STORE]);
      const releasedBody = heldBasket();
      const released = (await first.call('POST', '/v1/checks', { key: till, body: releasedBody })).json;
      // Held again by a trimmed basket, then released: revision 2 is the one the release covers.
      await first.call('POST', '/v1/checks', { key: till, body: { ...releasedBody, lines: itunes(2) } });
      await first.call('POST', `/v1/checks/${released.checkId}/review`, { key: supervisor, body: { decision: 'release', supervisorRef: 'S0042' } });
      const open = (await first.call('POST', '/v1/checks', { key: till, body: heldBasket() })).json;
      await first.services.stopBackground();
      await first.services.close();
      await store.rollBack(first.databasePath);

      const again = await testApp({ clock: () => now, databasePath: first.databasePath, ...(store.kind === 'postgres' ? { idSecret: SECRET } : {}) });
      const reviewOf = async (checkId: string) => (await again.services.store.reviews.find(checkId))!;
      expect(await reviewOf(released.checkId)).toMatchObject({ revision: 1, status: 'released', releasedRevision: 2 });
      expect(await reviewOf(open.checkId)).toMatchObject({ revision: 1, status: 'open', releasedRevision: null });

      const bigger = (await again.call('POST', '/v1/checks', { key: till, body: { ...releasedBody, lines: itunes(4) } })).json;
      expect(bigger).toMatchObject({ revision: 3, action: 'hold', review: { status: 'open' } });
      expect(await reviewOf(released.checkId)).toMatchObject({ revision: 3, status: 'open' });
      expect((await again.call('POST', `/v1/checks/${open.checkId}/review`, { key: supervisor, body: { decision: 'refuse' } })).json.status).toBe('refused');
    });
  });
}
