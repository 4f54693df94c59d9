import { expect, it } from 'vitest';
import { describeStores } from './adapters.js';
import { aRuleSet } from './fixtures.js';

describeStores('rule sets', (adapter) => {
  it('reads a rule set back as written, its source in the same key order', async () => {
    const { store } = await adapter.fresh();
    const ruleSet = aRuleSet({ note: 'Razer Gold over £50 held' });
    await store.ruleSets.insert(ruleSet);
    const found = await store.ruleSets.find(ruleSet.version);
    expect(found).toEqual(ruleSet);
    expect(JSON.stringify(found!.source)).toBe(JSON.stringify(ruleSet.source));
    expect(await store.ruleSets.find('no-such-version')).toBeUndefined();
  });

  it('lists newest first, and reviews a pending version once', async () => {
    const { store } = await adapter.fresh();
    await store.ruleSets.insert(aRuleSet({ version: 'v1', createdAt: 1_000 }));
    await store.ruleSets.insert(aRuleSet({ version: 'v2', createdAt: 2_000, status: 'pending', reviewedBy: null, reviewedAt: null }));
    expect((await store.ruleSets.list()).map((ruleSet) => ruleSet.version)).toEqual(['v2', 'v1']);
    expect(await store.ruleSets.review('v2', 'approved', 'second-admin', 3_000)).toBe(true);
    expect(await store.ruleSets.review('v2', 'rejected', 'third-admin', 4_000)).toBe(false);
    expect(await store.ruleSets.review('v1', 'rejected', 'third-admin', 4_000)).toBe(false);
    expect(await store.ruleSets.find('v2')).toMatchObject({ status: 'approved', reviewedBy: 'second-admin', reviewedAt: 3_000 });
  });

  it('knows the active version and the activations, newest first', async () => {
    const { store } = await adapter.fresh();
    expect(await store.ruleSets.active()).toBeUndefined();
    await store.ruleSets.insert(aRuleSet({ version: 'v1' }));
    await store.ruleSets.insert(aRuleSet({ version: 'v2' }));
    await store.ruleSets.activate({ version: 'v1', activatedAt: 1_000, activatedBy: 'admin' });
    await store.ruleSets.activate({ version: 'v2', activatedAt: 2_000, activatedBy: 'admin' });
    await store.ruleSets.activate({ version: 'v1', activatedAt: 3_000, activatedBy: 'ops' });
    expect(await store.ruleSets.active()).toEqual({ version: 'v1', activatedAt: 3_000, activatedBy: 'ops' });
    expect((await store.ruleSets.activations()).map((a) => a.activatedAt)).toEqual([3_000, 2_000, 1_000]);
    expect(await store.ruleSets.activations(1)).toHaveLength(1);
  });

  it('refuses to activate a version it does not have', async () => {
    const { store } = await adapter.fresh();
    await expect(store.ruleSets.activate({ version: 'ghost', activatedAt: 1, activatedBy: 'admin' })).rejects.toThrow();
    expect(await store.ruleSets.active()).toBeUndefined();
  });
});
