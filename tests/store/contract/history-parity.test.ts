import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/store/index.js';
import { freshPostgresUrl, postgresAvailable } from '../../helpers/postgres.js';
import { checkWrite, DAY, save, T0 } from './check-writes.js';

const MINUTE = 60_000;
const IDENTITIES = ['loyalty-a', 'loyalty-b', 'card-a', 'card-b', 'card-c'];
const STORES = ['store-1', 'store-2', 'store-3'];

const identities = fc.subarray(IDENTITIES, { maxLength: 2 });
const decision = fc.record({
  identities,
  storedValue: fc.constantFrom(0, 1_000, 25_000, 50_000),
  action: fc.constantFrom('allow' as const, 'prompt' as const, 'hold' as const, 'refuse' as const),
});
const check = fc.record({
  minutesBefore: fc.integer({ min: 0, max: 35 * 24 * 60 }),
  /** An offline sale replayed later sits earlier in history than its receipt. */
  offlineMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * 24 * 60 })),
  storeId: fc.constantFrom(...STORES),
  first: decision,
  /** The basket changed: a second decision, with identities given again or left as they were. */
  second: fc.option(fc.record({ decision, identitiesGiven: fc.boolean() }), { nil: undefined }),
});
const query = fc.record({
  identities: fc.subarray(IDENTITIES, { minLength: 1, maxLength: 2 }),
  /** Asked soon after one of the checks, so that every window has something in it. */
  after: fc.nat(),
  minutesAfter: fc.oneof(fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 31 * 24 * 60 })),
  storeId: fc.constantFrom(...STORES),
  leaveOut: fc.nat(),
});

/**
 * History windows decide who is prompted: whatever checks are stored, both adapters must give the same
 * facts for them. SQLite, whose queries the product was built on, is the reference.
 */
describe.skipIf(!postgresAvailable)('history windows, SQLite and PostgreSQL side by side', () => {
  let sqlite: Store;
  let postgres: Store;
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'vouchsafe-parity-'));
    sqlite = await openStore(join(directory, 'vouchsafe.db'));
    postgres = await openStore(await freshPostgresUrl());
  });
  afterAll(async () => {
    await Promise.all([sqlite?.close(), postgres?.close()]);
    rmSync(directory, { recursive: true, force: true });
  });

  it('give the same facts for the same checks', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(check, { minLength: 1, maxLength: 25 }), fc.array(query, { minLength: 1, maxLength: 6 }), async (checks, queries) => {
        // Each run has identities, and checks, of its own in the same two databases.
        const namespace = `r${run++}-`;
        const writes = checks.flatMap((shape, index) => {
          const id = `${namespace}chk_${index}`;
          const at = T0 - shape.minutesBefore * MINUTE;
          const common = { id, at, historyAt: at - shape.offlineMinutes * MINUTE, storeId: shape.storeId };
          const first = checkWrite({ ...common, ...shape.first, identities: shape.first.identities.map((name) => namespace + name) });
          if (!shape.second) return [first];
          const { decision: next, identitiesGiven } = shape.second;
          return [first, checkWrite({ ...common, ...next, revision: 2, identities: identitiesGiven ? next.identities.map((name) => namespace + name) : undefined })];
        });
        await save(sqlite, ...writes);
        await save(postgres, ...writes);
        for (const asked of queries) {
          const args = [
            asked.identities.map((name) => namespace + name),
            writes[asked.after % writes.length]!.historyAt + asked.minutesAfter * MINUTE,
            asked.storeId,
            `${namespace}chk_${asked.leaveOut % (checks.length + 1)}`,
          ] as const;
          expect(await postgres.history.windows(...args)).toEqual(await sqlite.history.windows(...args));
          expect(await postgres.history.customer(...args)).toEqual(await sqlite.history.customer(...args));
          for (const identity of args[0]) {
            expect(await postgres.history.isShared(identity, args[1])).toBe(await sqlite.history.isShared(identity, args[1]));
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('find a customer in the windows when there is one to find', async () => {
    // The property above would hold for two adapters that both counted nothing.
    const namespace = 'known-';
    await save(sqlite, checkWrite({ id: `${namespace}chk`, at: T0 - DAY, identities: [`${namespace}loyalty`], action: 'prompt' }));
    await save(postgres, checkWrite({ id: `${namespace}chk`, at: T0 - DAY, identities: [`${namespace}loyalty`], action: 'prompt' }));
    for (const store of [sqlite, postgres]) {
      expect((await store.history.windows([`${namespace}loyalty`], T0, 'store-2', 'new')).d30).toEqual({ storedValue: 10_000, checks: 1, stores: 1, prompted: 1 });
    }
  });
});
