import { compileRuleSet, decide, deriveFacts } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';
import { basketMix } from './lib/baskets.js';
import { combine, jsonRulesBaseline, type Outcome } from './lib/json-rules-baseline.js';
import { format, rate } from './lib/measure.js';
import type { Section } from './section.js';

/** Decisions per second for the default rule set, beside json-rules-engine holding the same rules, built from rules/. */
export const engineSection: Section = {
  name: 'engine',
  title: '1. Engine: decisions per second, default rule set, a mix of realistic baskets',
  async run({ sized }) {
    const ruleSet = compileRuleSet(loadRuleDirectory('rules'));
    const baskets = basketMix(1000);
    const { engine, viaCel } = jsonRulesBaseline(ruleSet);

    // Parity first: both must match the same rules on every basket, or the race means nothing.
    const actions: Record<string, number> = {};
    const matchedSomewhere = new Set<string>();
    for (const [i, inputs] of baskets.entries()) {
      const ours = decide(ruleSet, inputs);
      if (ours.ruleErrors.length) throw new Error(`Basket ${i}: the engine failed rules ${ours.ruleErrors.map((e) => e.ruleId).join(', ')}`);
      const oursIds = [...ours.reasons, ...ours.shadowReasons].map((r) => r.ruleId).sort();
      const { events } = await engine.run(deriveFacts(inputs, ruleSet.prompts.questionIds, ruleSet.lists));
      const jre = events.map((event) => event.type).sort();
      if (JSON.stringify(oursIds) !== JSON.stringify(jre)) throw new Error(`Basket ${i}: engine ${oursIds.join()} / json-rules-engine ${jre.join()}`);
      const combined = combine(ruleSet, events.map((event) => event.params as Outcome));
      if (combined.action !== ours.action || combined.score !== ours.score) throw new Error(`Basket ${i}: action or score differs`);
      actions[ours.action] = (actions[ours.action] ?? 0) + 1;
      for (const id of oursIds) matchedSomewhere.add(id);
    }

    const seconds = sized({ full: 3, quick: 1, smoke: 0.2 });
    const warmup = sized({ full: 0.5, quick: 0.5, smoke: 0.1 });
    const vouchsafe = await rate((i) => decide(ruleSet, baskets[i % baskets.length]!), { seconds, warmup });
    const jre = await rate(
      async (i) => {
        const inputs = baskets[i % baskets.length]!;
        const derived = deriveFacts(inputs, ruleSet.prompts.questionIds, ruleSet.lists);
        const { events } = await engine.run(derived);
        return combine(ruleSet, events.map((event) => event.params as Outcome));
      },
      { seconds, warmup },
    );
    const vsJre = vouchsafe.perSecond / jre.perSecond;
    const translated = ruleSet.rules.length - viaCel.length;
    return {
      results: {
        rules: ruleSet.rules.length,
        rulesMatchedInMix: matchedSomewhere.size,
        rulesTranslatedForJsonRulesEngine: translated,
        rulesViaCelInJsonRulesEngine: viaCel,
        baskets: baskets.length,
        actionsInMix: actions,
        vouchsafe,
        jsonRulesEngine: jre,
        speedupOverJsonRulesEngine: vsJre,
      },
      rows: [
        ['Vouchsafe engine (compiled CEL)', `${format.int(vouchsafe.perSecond)} decisions/s`, format.us(vouchsafe.meanMicros), `${format.ratio(vsJre)} json-rules-engine`],
        [
          `json-rules-engine 7, the ${ruleSet.rules.length} rules built from rules/*.yaml`,
          `${format.int(jre.perSecond)} decisions/s`,
          format.us(jre.meanMicros),
          viaCel.length ? `baseline; ${viaCel.length} rules as cel-js computed facts (${viaCel.join(', ')})` : 'baseline; every condition translated',
        ],
        ['rules that matched at least one basket', `${matchedSomewhere.size} of ${ruleSet.rules.length}`, '', ''],
      ],
      targets: [{ name: 'engine ≥ 50× json-rules-engine', met: vsJre >= 50, value: format.ratio(vsJre) }],
    };
  },
};
