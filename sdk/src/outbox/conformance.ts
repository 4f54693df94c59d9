import type { DeadLetter, IdLink, OutboxEntry, SavedRuleSet } from './entry.js';
import { LINK_RETENTION_MS, MAX_DEAD_LETTERS, type OutboxStorage, type StoredOutbox } from './storage.js';

/**
 * What every `OutboxStorage` must do, as checks anyone can run against their own adapter (the SDK's
 * memory, SQLite and IndexedDB adapters run them in its tests):
 *
 *   const results = await checkOutboxStorage({ place: () => ({ open: () => myOutbox(newName()) }), durable: true });
 *   const failed = results.filter((result) => !result.passed);
 *
 * Framework-free, so it runs in Node and in a browser page alike.
 */

export interface StoragePlace {
  /** Opens the storage kept in this place; called again after `close()` when the storage is durable. */
  open(): OutboxStorage | Promise<OutboxStorage>;
}

export interface StorageUnderTest {
  /** A new, empty place for each check (a new file, a new database name). */
  place(): StoragePlace | Promise<StoragePlace>;
  /** Whether what was written is still there after `close()` and `open()` again (false for `memoryOutbox()`). */
  durable: boolean;
}

export interface OutboxStorageCheck {
  name: string;
  /** Only for a durable storage. */
  durableOnly?: boolean;
  run(open: () => Promise<OutboxStorage>): Promise<void>;
}

export interface CheckResult {
  name: string;
  passed: boolean;
  /** What was wrong, when it did not pass. */
  problem?: string;
}

const CHECK_REF = 'local_01m888psdy7yqz3cp2mv2b0bjm';
const SERVICE_ID = 'chk_01m888psdy7yqz3cp2mv2b0bjm';

/** Entries of every kind, with text a careless adapter would mangle (quotes, non-ASCII, long strings). */
export function sampleEntries(count: number, prefix = 'a'): OutboxEntry[] {
  return Array.from({ length: count }, (_, n): OutboxEntry => {
    const id = `obx_${prefix}${String(n).padStart(25, '0')}`;
    const common = { v: 1 as const, id, enqueuedAt: 1_700_000_000_000 + n, checkRef: CHECK_REF };
    if (n % 3 === 1) return { ...common, kind: 'answers', transactionId: `T04-${n}`, body: { answers: { purpose: n % 2 ? 'gift' : 'bill_or_fine' } } };
    if (n % 3 === 2) return { ...common, kind: 'outcome', body: { outcome: 'scam_confirmed', note: `Customer said "HMRC" — £500 ✓ ${'x'.repeat(n)}` } };
    return {
      ...common,
      kind: 'check',
      transactionId: `T04-${n}`,
      body: {
        storeId: 'herts-markyate-003',
        tillId: 'T04',
        lane: 'staffed',
        transactionId: `T04-${n}`,
        occurredAt: '2017-10-30T10:15:00.000Z',
        currency: 'GBP',
        lines: [{ kind: 'gift_card', brand: 'itunes', description: 'iTunes £100 “gift”', unitAmount: 10000, quantity: 5 }],
        tender: 'cash',
        customer: { ageBand: '80_plus', ageSource: 'staff_estimate', loyaltyId: `63400400012345${n}` },
        signals: { phoneInUse: true, beingInstructed: false, distressed: false, askedAboutCodes: false, unfamiliarWithCards: false, mentionedPayment: false },
        offlineDecision: { action: 'hold', ruleSetVersion: 'sha-498c7cc2fc76c540', decidedAt: '2017-10-30T10:15:00.250Z' },
      },
    };
  });
}

const letterFor = (entry: OutboxEntry, n = 0): DeadLetter => ({ failedAt: 1_700_000_000_000 + n, failure: { message: `409 check_closed ${n}`, status: 409 }, entry });
const linkAt = (linkedAt: number, n = 0): IdLink => ({ localId: `local_${String(n).padStart(26, '0')}`, checkId: `chk_${String(n).padStart(26, '0')}`, linkedAt });
const RULE_SET: SavedRuleSet = { etag: '"v2"', source: { files: [{ path: 'a.yaml', content: 'rules: []\n# “£”' }], prompts: [{ path: 'prompts/en-GB.yaml', content: 'locale: en-GB' }] } };

class Mismatch extends Error {}

/** JSON with keys sorted: adapters that parse what they stored may hand keys back in another order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function same(what: string, actual: unknown, expected: unknown): void {
  const a = canonical(actual);
  const e = canonical(expected);
  if (a !== e) throw new Mismatch(`${what}: expected ${e.slice(0, 300)}, got ${a.slice(0, 300)}`);
}

const ids = (loaded: StoredOutbox) => loaded.entries.map((entry) => entry.id);

export const OUTBOX_STORAGE_CHECKS: readonly OutboxStorageCheck[] = [
  {
    name: 'a new storage is empty',
    async run(open) {
      const loaded = await (await open()).load();
      same('load()', loaded, { entries: [], deadLetters: [], links: [], ruleSet: undefined });
    },
  },
  {
    name: 'hands back entries in the order they were queued, exactly as written',
    async run(open) {
      const storage = await open();
      const entries = sampleEntries(7);
      for (const entry of entries) await storage.append(entry);
      same('entries', (await storage.load()).entries, entries);
    },
  },
  {
    name: 'keeps the order of appends made without waiting for each other',
    async run(open) {
      const storage = await open();
      const entries = sampleEntries(12);
      await Promise.all(entries.map((entry) => storage.append(entry)));
      same('entry ids', ids(await storage.load()), entries.map((entry) => entry.id));
    },
  },
  {
    name: 'delivered() takes the entry off the queue and keeps the link it is given',
    async run(open) {
      const storage = await open();
      const [first, second, third] = sampleEntries(3) as [OutboxEntry, OutboxEntry, OutboxEntry];
      for (const entry of [first, second, third]) await storage.append(entry);
      const link = { localId: CHECK_REF, checkId: SERVICE_ID, linkedAt: Date.now() };
      await storage.delivered(second.id, link);
      await storage.delivered(first.id);
      const loaded = await storage.load();
      same('entry ids', ids(loaded), [third.id]);
      same('links', loaded.links, [link]);
      same('dead letters', loaded.deadLetters, []);
    },
  },
  {
    name: 'deadLetter() takes the entry off the queue and keeps the letter, oldest first',
    async run(open) {
      const storage = await open();
      const [first, second, third] = sampleEntries(3) as [OutboxEntry, OutboxEntry, OutboxEntry];
      for (const entry of [first, second, third]) await storage.append(entry);
      await storage.deadLetter(third.id, letterFor(third, 1));
      await storage.deadLetter(first.id, letterFor(first, 2));
      const loaded = await storage.load();
      same('entry ids', ids(loaded), [second.id]);
      same('dead letters', loaded.deadLetters, [letterFor(third, 1), letterFor(first, 2)]);
    },
  },
  {
    name: 'an id that is not queued leaves the queue as it was',
    async run(open) {
      const storage = await open();
      const entries = sampleEntries(2);
      for (const entry of entries) await storage.append(entry);
      await storage.delivered('obx_not_queued');
      same('entry ids', ids(await storage.load()), entries.map((entry) => entry.id));
    },
  },
  {
    name: 'keeps the rule set last saved',
    async run(open) {
      const storage = await open();
      await storage.saveRuleSet({ ...RULE_SET, etag: '"v1"' });
      await storage.saveRuleSet(RULE_SET);
      same('rule set', (await storage.load()).ruleSet, RULE_SET);
    },
  },
  {
    name: `keeps the newest ${MAX_DEAD_LETTERS} dead letters`,
    async run(open) {
      const storage = await open();
      const [entry] = sampleEntries(1) as [OutboxEntry];
      for (let n = 0; n < MAX_DEAD_LETTERS + 3; n++) await storage.deadLetter(`obx_gone_${n}`, letterFor(entry, n));
      const letters = (await storage.load()).deadLetters;
      same('how many', letters.length, MAX_DEAD_LETTERS);
      same('the oldest kept', letters[0]?.failedAt, letterFor(entry, 3).failedAt);
      same('the newest', letters[letters.length - 1]?.failedAt, letterFor(entry, MAX_DEAD_LETTERS + 2).failedAt);
    },
  },
  {
    name: 'forgets links older than LINK_RETENTION_MS',
    async run(open) {
      const storage = await open();
      const old = linkAt(Date.now() - LINK_RETENTION_MS - 86_400_000, 1);
      const fresh = linkAt(Date.now(), 2);
      await storage.delivered('obx_none_1', old);
      await storage.delivered('obx_none_2', fresh);
      same('links', (await storage.load()).links, [fresh]);
    },
  },
  {
    name: 'load() twice hands back the same',
    async run(open) {
      const storage = await open();
      const entries = sampleEntries(4);
      for (const entry of entries) await storage.append(entry);
      await storage.deadLetter(entries[1]!.id, letterFor(entries[1]!));
      same('the second load', await storage.load(), await storage.load());
    },
  },
  {
    name: 'everything is still there after close() and open() again',
    durableOnly: true,
    async run(open) {
      const before = await open();
      const entries = sampleEntries(4);
      for (const entry of entries) await before.append(entry);
      const link = { localId: CHECK_REF, checkId: SERVICE_ID, linkedAt: Date.now() };
      await before.delivered(entries[0]!.id, link);
      await before.deadLetter(entries[2]!.id, letterFor(entries[2]!));
      await before.saveRuleSet(RULE_SET);
      await before.close();
      const after = await open();
      same('load() after reopening', await after.load(), { entries: [entries[1], entries[3]], deadLetters: [letterFor(entries[2]!)], links: [link], ruleSet: RULE_SET });
    },
  },
];

/** Runs every check against a storage; each in a new place, each storage closed afterwards. */
export async function checkOutboxStorage(subject: StorageUnderTest): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of OUTBOX_STORAGE_CHECKS) {
    if (check.durableOnly && !subject.durable) continue;
    results.push(await runCheck(check, subject));
  }
  return results;
}

/** One check, in a new place. */
export async function runCheck(check: OutboxStorageCheck, subject: StorageUnderTest): Promise<CheckResult> {
  const place = await subject.place();
  const opened: OutboxStorage[] = [];
  try {
    await check.run(async () => {
      const storage = await place.open();
      opened.push(storage);
      return storage;
    });
    return { name: check.name, passed: true };
  } catch (error) {
    return { name: check.name, passed: false, problem: error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error) };
  } finally {
    for (const storage of opened) await storage.close().catch(() => undefined);
  }
}
