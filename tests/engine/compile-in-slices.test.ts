import { describe, expect, it } from 'vitest';
import { compileRuleSet, compileRuleSetInSteps, ConditionCache, type CompiledRuleSet, readRuleSet } from '../../src/engine/index.js';
import { refreshActiveRuleSet } from '../../src/rule-sets/active.js';
import { inSlices } from '../../src/rule-sets/compiler.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';
import { testApp } from '../helpers/app.js';
import { editedRules, RAZER_RULE } from '../helpers/rules.js';

/** Each rule's condition as built: the very objects, so a test can tell a reused condition from one built again. */
const conditionsOf = (ruleSet: CompiledRuleSet) => new Map(ruleSet.rules.map((rule) => [rule.id, rule.reference]));

/** How many times the event loop ran a setImmediate callback while `work` ran. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  running = false;
  return { result, turns };
}

describe('building a rule set on the event loop', () => {
  const source = loadRuleDirectory('rules');
  const read = structuredClone(readRuleSet(source));

  it('gives way to the event loop between slices, and builds the same rule set as in one go', async () => {
    const whole = compileRuleSet(source);
    // A slice of 0 ms gives way after every step: once after the fact types, then between rules.
    const sliced = await turnsDuring(() => inSlices(compileRuleSetInSteps(source, read), 0));
    expect(sliced.turns).toBeGreaterThanOrEqual(whole.rules.length);
    expect(sliced.result.version).toBe(whole.version);
    expect(sliced.result.rules.map(({ id, score, action, order }) => ({ id, score, action, order }))).toEqual(
      whole.rules.map(({ id, score, action, order }) => ({ id, score, action, order })),
    );
    // With no time limit the same build never lets the loop in.
    const unsliced = await turnsDuring(() => inSlices(compileRuleSetInSteps(source, read), Number.POSITIVE_INFINITY));
    expect(unsliced.turns).toBe(0);
  });

  it('refuses an invalid set only at its end, with every problem, so nothing half-built is returned', async () => {
    const broken = editedRules({ file: 'history.yaml', replace: ['history.h1.checks >= 1', 'history.h1.chekcs >= 1'] });
    const refused = await inSlices(compileRuleSetInSteps(broken, undefined, new ConditionCache()), 0).catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: 'RuleSetError', problems: [expect.objectContaining({ file: 'history.yaml', ruleId: 'back-within-the-hour', line: 11 })] });
  });

  it('builds a condition once per fact schema: a set built again reuses them, a new list or question checks them afresh', () => {
    const cache = new ConditionCache();
    const first = compileRuleSet(source, read, cache);
    const again = compileRuleSet(source, read, cache);
    expect(conditionsOf(again)).toEqual(conditionsOf(first));
    for (const [id, condition] of conditionsOf(again)) expect(condition, id).toBe(conditionsOf(first).get(id));

    // Another list changes the schema CEL checks against: nothing is reused across it.
    const withList = editedRules({ file: 'zz-list.yaml', append: 'lists:\n  testBrands: [steam]\n' });
    const other = compileRuleSet(withList, undefined, cache);
    for (const [id, condition] of conditionsOf(other)) expect(condition, id).not.toBe(conditionsOf(first).get(id));
    // And a set without a cache builds its own.
    for (const [id, condition] of conditionsOf(compileRuleSet(source, read))) expect(condition, id).not.toBe(conditionsOf(first).get(id));
  });
});

describe('publishing and rolling back reuse the conditions built before', () => {
  it('a publish builds only its new rule, and a rollback builds none', async () => {
    const { call, adminKey, services } = await testApp();
    const started = conditionsOf(services.rules.current);

    const published = await call('PUT', '/v1/rules', { key: adminKey, body: editedRules({ file: 'razer.yaml', append: RAZER_RULE }) });
    expect(published.status).toBe(200);
    const withRazer = conditionsOf(services.rules.current);
    expect(withRazer.size).toBe(started.size + 1);
    for (const [id, condition] of started) expect(withRazer.get(id), id).toBe(condition);

    expect((await call('POST', '/v1/rules/rollback', { key: adminKey })).status).toBe(200);
    const rolledBack = conditionsOf(services.rules.current);
    expect([...rolledBack.keys()]).toEqual([...started.keys()]);
    for (const [id, condition] of started) expect(rolledBack.get(id), id).toBe(condition);
  });

  it('a node following another’s publish builds only the rules it has not seen', async () => {
    const { services } = await testApp();
    const before = conditionsOf(services.rules.current);
    // Another node's publish, as it reaches this node: a new version active in the shared database.
    const theirs = compileRuleSet(editedRules({ file: 'razer.yaml', append: RAZER_RULE }));
    await services.store.transaction(async (tx) => {
      await tx.ruleSets.insert({ version: theirs.version, contentHash: theirs.contentHash, source: theirs.source, createdAt: 1, createdBy: 'node-a', note: null, status: 'approved', reviewedBy: 'node-a', reviewedAt: 1 });
      await tx.ruleSets.activate({ version: theirs.version, activatedAt: 2, activatedBy: 'node-a' });
    });

    expect(await refreshActiveRuleSet(services.rules, services.store, services.ruleCompiler)).toBe(true);
    const followed = conditionsOf(services.rules.current);
    expect(services.rules.current.version).toBe(theirs.version);
    expect(followed.get('razer-gold-over-50')).toBeDefined();
    for (const [id, condition] of before) expect(followed.get(id), id).toBe(condition);
  });
});
