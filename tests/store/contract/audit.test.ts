import { expect, it } from 'vitest';
import { describeStores } from './adapters.js';

describeStores('audit', (adapter) => {
  it('reads entries back newest first, with their detail and an increasing id', async () => {
    const { store } = await adapter.fresh();
    await store.audit.append({ at: 1_000, actor: 'admin', action: 'key.created', subject: 'key_1', detail: { role: 'till', stores: ['s1'] } });
    await store.audit.append({ at: 2_000, actor: 'admin', action: 'rules.published', subject: null, detail: {} });
    const [newest, oldest] = await store.audit.recent(10);
    expect(newest).toMatchObject({ at: 2_000, actor: 'admin', action: 'rules.published', subject: null, detail: {} });
    expect(oldest).toMatchObject({ at: 1_000, action: 'key.created', subject: 'key_1', detail: { role: 'till', stores: ['s1'] } });
    expect(newest!.id).toBeGreaterThan(oldest!.id);
    expect(await store.audit.recent(1)).toEqual([newest]);
  });

  it('keeps nothing appended in a transaction that fails', async () => {
    const { store } = await adapter.fresh();
    await expect(
      store.transaction(async (tx) => {
        await tx.audit.append({ at: 1, actor: 'admin', action: 'key.created', subject: null, detail: {} });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await store.audit.recent(10)).toEqual([]);
  });
});
