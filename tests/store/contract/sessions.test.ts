import { expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.js';
import { describeStores } from './adapters.js';
import { aKey } from './fixtures.js';

describeStores('sessions', (adapter) => {
  const withKey = async (store: Store) => {
    await store.keys.insert(aKey({ id: 'key_1' }));
    return 'key_1';
  };

  it('finds a session until it expires, and not after it is deleted', async () => {
    const { store } = await adapter.fresh();
    const keyId = await withKey(store);
    await store.sessions.insert('hash-1', { keyId, createdAt: 1_000, expiresAt: 5_000 });
    expect(await store.sessions.find('hash-1', 4_999)).toEqual({ keyId, createdAt: 1_000, expiresAt: 5_000 });
    expect(await store.sessions.find('hash-1', 5_000)).toBeUndefined();
    expect(await store.sessions.find('hash-2', 0)).toBeUndefined();
    await store.sessions.delete('hash-1');
    expect(await store.sessions.find('hash-1', 0)).toBeUndefined();
  });

  it('deletes the expired sessions only', async () => {
    const { store } = await adapter.fresh();
    const keyId = await withKey(store);
    await store.sessions.insert('old', { keyId, createdAt: 0, expiresAt: 100 });
    await store.sessions.insert('new', { keyId, createdAt: 0, expiresAt: 300 });
    await store.sessions.deleteExpired(200);
    expect(await store.sessions.find('old', 0)).toBeUndefined();
    expect(await store.sessions.find('new', 0)).toBeDefined();
  });

  it('refuses a session for a key that does not exist', async () => {
    const { store } = await adapter.fresh();
    await expect(store.sessions.insert('hash', { keyId: 'no_such_key', createdAt: 0, expiresAt: 1 })).rejects.toThrow();
  });
});
