import { compileRuleSet, decide, deriveFacts } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';
import { basketMix } from './lib/baskets.js';
import { BASELINE_RULE_IDS, combine, handWritten, jsonRulesEngine, OUTCOMES } from './lib/baselines.js';
import { format, rate } from './lib/measure.js';
import type { Section } from './section.js';

/** Decisions per second for the default rule set, beside json-rules-engine and a hand-written function of the same rules. */
export const engineSection: Section = {
  name: 'engine',
  title: '1. Engine: decisions per second, default rule set, a mix of realistic baskets',
  async run({ quick }) {
    const ruleSet = compileRuleSet(loadRuleDirectory('rules'));
    const baskets = basketMix(1000);
    const facts = baskets.map((inputs) => deriveFacts(inputs, ruleSet.prompts.questionIds, ruleSet.lists));
    const engine = jsonRulesEngine();

    // Parity first: all three must match the same rules on every basket, or the race means nothing.
    const missing = ruleSet.rules.map((rule) => rule.id).filter((id) => !BASELINE_RULE_IDS.includes(id));
    if (missing.length) throw new Error(`The baselines lack rules ${missing.join(', ')}: copy them into tests/bench/lib/baselines.ts`);
    const actions: Record<string, number> = {};
    for (const [i, inputs] of baskets.entries()) {
      const ours = decide(ruleSet, inputs);
      const oursIds = [...ours.reasons, ...ours.shadowReasons].map((r) => r.ruleId).sort();
      const byHand = handWritten(facts[i]!).sort();
      const { events } = await engine.run(facts[i]);
      const jre = events.map((event) => event.type).sort();
      if (JSON.stringify(oursIds) !== JSON.stringify(byHand) || JSON.stringify(oursIds) !== JSON.stringify(jre)) {
        throw new Error(`Basket ${i}: engine ${oursIds.join()} / by hand ${byHand.join()} / json-rules-engine ${jre.join()}`);
      }
      const combined = combine(byHand.map((id) => OUTCOMES.get(id)!));
      if (combined.action !== ours.action || combined.score !== ours.score) throw new Error(`Basket ${i}: action or score differs`);
      actions[ours.action] = (actions[ours.action] ?? 0) + 1;
    }

    const seconds = quick ? 1 : 3;
    const vouchsafe = await rate((i) => decide(ruleSet, baskets[i % baskets.length]!), { seconds });
    const hand = await rate(
      (i) => {
        const inputs = baskets[i % baskets.length]!;
        const derived = deriveFacts(inputs, ruleSet.prompts.questionIds, ruleSet.lists);
        return combine(handWritten(derived).map((id) => OUTCOMES.get(id)!));
      },
      { seconds },
    );
    const jre = await rate(
      async (i) => {
        const inputs = baskets[i % baskets.length]!;
        const derived = deriveFacts(inputs, ruleSet.prompts.questionIds, ruleSet.lists);
        const { events } = await engine.run(derived);
        return combine(events.map((event) => event.params as never));
      },
      { seconds },
    );
    const vsJre = vouchsafe.perSecond / jre.perSecond;
    return {
      results: {
        rules: ruleSet.rules.length,
        baskets: baskets.length,
        actionsInMix: actions,
        vouchsafe,
        handWritten: hand,
        jsonRulesEngine: jre,
        speedupOverJsonRulesEngine: vsJre,
        shareOfHandWritten: vouchsafe.perSecond / hand.perSecond,
      },
      rows: [
        ['Vouchsafe engine (compiled CEL)', `${format.int(vouchsafe.perSecond)} decisions/s`, format.us(vouchsafe.meanMicros), `${format.ratio(vsJre)} json-rules-engine`],
        ['hand-written TypeScript, same rules', `${format.int(hand.perSecond)} decisions/s`, format.us(hand.meanMicros), `engine at ${Math.round((100 * vouchsafe.perSecond) / hand.perSecond)}% of it`],
        ['json-rules-engine 7, same rules', `${format.int(jre.perSecond)} decisions/s`, format.us(jre.meanMicros), 'baseline'],
      ],
      targets: [{ name: 'engine ≥ 50× json-rules-engine', met: vsJre >= 50, value: format.ratio(vsJre) }],
    };
  },
};
