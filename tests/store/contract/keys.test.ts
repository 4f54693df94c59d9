import { expect, it } from 'vitest';
import { describeStores } from './adapters.js';
import { aKey } from './fixtures.js';

describeStores('keys', (adapter) => {
  it('reads back a key by id, by secret hash and in the list, in order of creation', async () => {
    const { store } = await adapter.fresh();
    const later = aKey({ id: 'key_b', createdAt: 2_000, storeIds: null, role: 'admin', mode: 'test' });
    const earlier = aKey({ id: 'key_a', createdAt: 1_000 });
    await store.keys.insert(later);
    await store.keys.insert(earlier);
    expect(await store.keys.findById('key_b')).toEqual({ ...later, revokedAt: null });
    expect(await store.keys.findBySecretHash('hash-of-key_a')).toEqual({ ...earlier, revokedAt: null });
    expect(await store.keys.findById('key_c')).toBeUndefined();
    expect(await store.keys.findBySecretHash('nothing')).toBeUndefined();
    expect((await store.keys.list()).map((key) => key.id)).toEqual(['key_a', 'key_b']);
  });

  it('revokes an active key once, and counts active live admins', async () => {
    const { store } = await adapter.fresh();
    await store.keys.insert(aKey({ id: 'admin_1', role: 'admin' }));
    await store.keys.insert(aKey({ id: 'admin_2', role: 'admin' }));
    // A test admin cannot make live keys, so it does not count as one that can run the service.
    await store.keys.insert(aKey({ id: 'admin_test', role: 'admin', mode: 'test' }));
    await store.keys.insert(aKey({ id: 'till_1', role: 'till' }));
    expect(await store.keys.activeAdminCount()).toBe(2);
    expect(await store.keys.revoke('admin_1', 5_000)).toBe(true);
    expect(await store.keys.revoke('admin_1', 6_000)).toBe(false);
    expect(await store.keys.revoke('no_such_key', 6_000)).toBe(false);
    expect((await store.keys.findById('admin_1'))?.revokedAt).toBe(5_000);
    expect(await store.keys.activeAdminCount()).toBe(1);
  });

  it('refuses two keys with one secret, and a role it does not know', async () => {
    const { store } = await adapter.fresh();
    await store.keys.insert(aKey({ id: 'key_1', secretHash: 'same' }));
    await expect(store.keys.insert(aKey({ id: 'key_2', secretHash: 'same' }))).rejects.toThrow();
    await expect(store.keys.insert(aKey({ id: 'key_3', role: 'owner' as 'admin' }))).rejects.toThrow();
    expect((await store.keys.list()).map((key) => key.id)).toEqual(['key_1']);
  });
});
