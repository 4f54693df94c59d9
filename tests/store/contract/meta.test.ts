import { expect, it } from 'vitest';
import { describeStores } from './adapters.js';

describeStores('meta', (adapter) => {
  it('reads back what it wrote, and overwrites with set', async () => {
    const { store } = await adapter.fresh();
    expect(await store.meta.get('identity_secret')).toBeUndefined();
    await store.meta.set('identity_secret', 'first');
    expect(await store.meta.get('identity_secret')).toBe('first');
    await store.meta.set('identity_secret', 'second');
    expect(await store.meta.get('identity_secret')).toBe('second');
  });

  it('keeps the first value under setIfAbsent, and answers it', async () => {
    const { store } = await adapter.fresh();
    expect(await store.meta.setIfAbsent('fingerprint', 'mine')).toBe('mine');
    expect(await store.meta.setIfAbsent('fingerprint', 'theirs')).toBe('mine');
    expect(await store.meta.get('fingerprint')).toBe('mine');
  });

  it('keeps one value when several writers race with setIfAbsent', async () => {
    const { store, location } = await adapter.fresh();
    // On PostgreSQL the writers are other nodes; on SQLite, transactions of the one process.
    const other = adapter.kind === 'postgres' ? await adapter.open(location) : store;
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd'].map((value, i) => (i % 2 ? other : store).transaction((tx) => tx.meta.setIfAbsent('race', value))),
    );
    expect(new Set(answers).size).toBe(1);
    expect(await store.meta.get('race')).toBe(answers[0]);
  });

  it('says a new database has no checks', async () => {
    const { store } = await adapter.fresh();
    expect(await store.meta.hasChecks()).toBe(false);
  });
});
