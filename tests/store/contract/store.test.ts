import postgres from 'postgres';
import { expect, it } from 'vitest';
import { openStore, StorageUnavailable, type Store } from '../../../src/store/index.js';
import { postgresMigrations } from '../../../src/store/postgres/migrations/index.js';
import { describeStores } from './adapters.js';
import { aKey } from './fixtures.js';

/** Resolves once `heard` has been called, for a listener. */
function hearing(): { heard: () => void; done: Promise<void> } {
  let heard!: () => void;
  const done = new Promise<void>((resolve) => (heard = resolve));
  return { heard, done };
}

/** Inserts the key unless it is there: what the domain does for a check, in small. */
const insertOnce = (store: Store, id: string) =>
  store.transaction(async (tx) => {
    const found = await tx.keys.findById(id);
    if (found) return 'found';
    await tx.keys.insert(aKey({ id }));
    return 'inserted';
  });

describeStores('the store', (adapter) => {
  it('says what it is and where', async () => {
    const { store, location } = await adapter.fresh();
    expect(store.kind).toBe(adapter.kind);
    expect(store.location).toBe(location);
    await expect(store.ping()).resolves.toBeUndefined();
    expect(await store.writable()).toEqual({ ok: true });
    await expect(store.durable()).resolves.toBeUndefined();
  });

  it('commits a transaction whole, and keeps nothing of one that throws', async () => {
    const { store } = await adapter.fresh();
    const answer = await store.transaction(async (tx) => {
      await tx.meta.set('a', '1');
      await tx.meta.set('b', '2');
      // A transaction reads its own writes.
      return tx.meta.get('a');
    });
    expect(answer).toBe('1');
    await expect(
      store.transaction(async (tx) => {
        await tx.meta.set('a', 'changed');
        await tx.meta.set('c', '3');
        throw new Error('half way');
      }),
    ).rejects.toThrow('half way');
    expect([await store.meta.get('a'), await store.meta.get('b'), await store.meta.get('c')]).toEqual(['1', '2', undefined]);
  });

  it('keeps nothing of a transaction whose statement the database refuses', async () => {
    const { store } = await adapter.fresh();
    await store.keys.insert(aKey({ id: 'key_1', secretHash: 'same' }));
    await expect(
      store.transaction(async (tx) => {
        await tx.meta.set('written', 'yes');
        await tx.keys.insert(aKey({ id: 'key_2', secretHash: 'same' }));
      }),
    ).rejects.toThrow();
    expect(await store.meta.get('written')).toBeUndefined();
  });

  it('runs a job exclusively: a second caller is turned away while the first runs, and may run after', async () => {
    const { store, location } = await adapter.fresh();
    // Another node where there can be one (PostgreSQL); the same process otherwise.
    const other = adapter.kind === 'postgres' ? await adapter.open(location) : store;
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    const started = hearing();
    const first = store.exclusively('sweep', async () => {
      started.heard();
      await running;
      return 'first';
    });
    await started.done;
    expect(await other.exclusively('sweep', async () => 'second')).toBeUndefined();
    // Nor does the same node run it twice at once (a sweep that outlasts its interval).
    expect(await store.exclusively('sweep', async () => 'again')).toBeUndefined();
    expect(await other.exclusively('another job', async () => 'other job')).toBe('other job');
    release();
    expect(await first).toBe('first');
    expect(await other.exclusively('sweep', async () => 'second')).toBe('second');
  });

  it('lets a job go when its work throws', async () => {
    const { store } = await adapter.fresh();
    await expect(store.exclusively('job', async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    expect(await store.exclusively('job', async () => 'again')).toBe('again');
  });

  it('tells its listeners of an event', async () => {
    const { store } = await adapter.fresh();
    const keys = hearing();
    let ruleSets = 0;
    store.listen('keys', keys.heard);
    store.listen('rule_sets', () => ruleSets++);
    await store.notify('keys');
    await keys.done;
    expect(ruleSets).toBe(0);
  });
});

describeStores(
  'several nodes on one database',
  (adapter) => {
    it('migrates once when nodes open a new database together', async () => {
      const location = await adapter.freshLocation();
      const nodes = await Promise.all([adapter.open(location), adapter.open(location), adapter.open(location)]);
      await nodes[0]!.meta.set('opened', 'yes');
      expect(await nodes[2]!.meta.get('opened')).toBe('yes');
      const sql = postgres(location, { max: 1, onnotice: () => {} });
      try {
        const applied = await sql<{ version: number }[]>`SELECT version FROM schema_migrations`;
        expect(applied.map((row) => row.version)).toEqual(postgresMigrations.map((migration) => migration.version));
      } finally {
        await sql.end();
      }
    });

    it('carries an event to a listener on another node', async () => {
      const { store, location } = await adapter.fresh();
      const other = await adapter.open(location);
      const ruleSets = hearing();
      other.listen('rule_sets', ruleSets.heard);
      await store.notify('rule_sets');
      await ruleSets.done;
    });

    it('ends with one row when two nodes insert the same one at once: the one that collides runs again and finds it', async () => {
      const { store, location } = await adapter.fresh();
      const other = await adapter.open(location);
      for (let round = 0; round < 10; round++) {
        const id = `key_${round}`;
        const answers = await Promise.all([insertOnce(store, id), insertOnce(other, id)]);
        expect(answers.sort()).toEqual(['found', 'inserted']);
      }
      expect(await store.keys.list()).toHaveLength(10);
    });

    it('reads a database another node migrated, without migrating, as a reader', async () => {
      const { store, location } = await adapter.fresh();
      await store.keys.insert(aKey({ id: 'key_1' }));
      const reader = await adapter.open(location, { readonly: true });
      expect((await reader.keys.findById('key_1'))?.id).toBe('key_1');
      await expect(adapter.open(await adapter.freshLocation(), { readonly: true })).rejects.toThrow(/start the service once/);
    });

    it('answers StorageUnavailable, not a bare error, when the database cannot be reached, and keeps the password to itself', async () => {
      const { location } = await adapter.fresh();
      const unreachable = new URL(location);
      unreachable.port = '1';
      unreachable.password = 'not-for-the-log';
      const refusal = await openStore(unreachable.toString()).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(StorageUnavailable);
      // It names the server, never the password.
      expect((refusal as Error).message).toContain('127.0.0.1:1');
      expect((refusal as Error).message).not.toContain('not-for-the-log');
    });
  },
  { only: 'postgres' },
);
