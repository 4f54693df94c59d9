import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/store/index.js';
import { freshPostgresUrl, postgresAvailable } from '../../helpers/postgres.js';
import { checkWrite, T0 } from '../contract/check-writes.js';

describe.skipIf(!postgresAvailable)('PostgreSQL transactions', () => {
  const opened: Store[] = [];
  const open = async () => {
    const store = await openStore(await freshPostgresUrl());
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  it('fail, and keep nothing, when a statement in them failed though the work went on', async () => {
    const store = await open();
    const write = checkWrite({ id: 'chk_twice', at: T0 });
    const work = store.transaction(async (tx) => {
      await tx.meta.set('written-before', 'yes');
      await tx.checks.save(write);
      // The same evaluation again breaks its primary key; the work swallows that and returns.
      await tx.checks.save(write).catch(() => undefined);
    });
    await expect(work).rejects.toThrow();
    expect(await store.meta.get('written-before')).toBeUndefined();
    expect(await store.checks.findById('chk_twice')).toBeUndefined();
  });

  it('commit what the work wrote, BEGIN sent with its first statements', async () => {
    const store = await open();
    await store.transaction(async (tx) => {
      await Promise.all([tx.meta.set('one', '1'), tx.checks.save(checkWrite({ id: 'chk_kept', at: T0 }))]);
    });
    expect(await store.meta.get('one')).toBe('1');
    expect((await store.checks.findById('chk_kept'))?.id).toBe('chk_kept');
    // A second transaction on the same pool finds the connection clean, not still in the first.
    await expect(store.transaction(async (tx) => tx.meta.get('one'))).resolves.toBe('1');
  });
});
