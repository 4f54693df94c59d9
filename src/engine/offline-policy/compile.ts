import type { Action } from '../../contract/enums.js';
import {
  OFFLINE_POLICY_FORMAT,
  type OfflinePolicy,
  type PolicyFact,
  type PolicyFactType,
  type PolicyPrompt,
  type PolicyRule,
} from '../../contract/offline-policy.js';
import { type CompiledRule, type CompiledRuleSet, DEFAULT_HOLD_DEADLINE_MS } from '../compile.js';
import { copyHandOff } from '../prompts.js';
import { translateCondition, type Vocabulary } from './translate.js';

const CEL_TYPES: Record<string, PolicyFactType> = {
  int: 'integer',
  double: 'number',
  bool: 'boolean',
  string: 'string',
  'list<string>': 'string-list',
};

/**
 * How a till works each fact out, where that is more than reading one field. Stored value is every
 * line whose kind is not `merchandise`; amounts are integer minor units; absent fields take the
 * defaults of `POST /v1/checks`.
 */
const DERIVATION: Record<string, string> = {
  'basket.total': 'Sum of unitAmount × quantity over every line (quantity 1 when absent).',
  'basket.lineCount': 'Number of lines.',
  'basket.storedValueShare': 'giftCards.total ÷ basket.total; 0 when basket.total is 0.',
  'basket.currency': 'The ISO 4217 currency of the basket.',
  'giftCards.total': 'Sum of unitAmount × quantity over the stored-value lines (every kind but merchandise).',
  'giftCards.withoutTopUps': 'Sum of unitAmount × quantity over the lines of kind gift_card, prepaid_card and voucher (stored value without top-ups).',
  'giftCards.count': 'Sum of the quantities of the stored-value lines.',
  'giftCards.lines': 'Number of stored-value lines.',
  'giftCards.brands':
    'The distinct brands of the stored-value lines, each folded: trimmed, lower-cased, every run of characters other than a-z and 0-9 replaced by "_", leading and trailing "_" removed ("Google Play" → "google_play"); "unknown" for a line with no brand.',
  'giftCards.brandCount': 'Number of distinct brands in giftCards.brands.',
  'giftCards.sameBrandCount':
    'The most cards of any one brand: for each folded brand among the stored-value lines that name one, the sum of their quantities; the largest of these, 0 when no line names a brand.',
  'giftCards.largest': 'The largest unitAmount among the stored-value lines; 0 when there are none.',
  'giftCards.kinds': 'The distinct kinds of the stored-value lines.',
  tender: 'How the customer is paying; "unknown" when the till does not say.',
  lane: 'Where the basket is being paid for; "staffed" when the till does not say.',
  'customer.ageBand': 'The customer’s age band; "unknown" when nobody can say.',
  'customer.ageSource': 'Where the age band came from; "unknown" when not said.',
  'customer.identified': 'true when the till has a loyalty id or a payment token for the customer.',
};

/**
 * Facts a rule can read that the table does not carry: history, area alerts and the retailers' exchange
 * (assumed none: a till offline hears of no scam nearby and asks no exchange), the customer's totals
 * (with no history, giftCards.withoutTopUps), lists (written out), and ones derived from others.
 * giftCards.family only keys history (history.sameFamily), which the table assumes empty.
 */
const NOT_CARRIED = /^(history|network|lists|customerTotal|area)\.|^customer\.ageAtLeast$|^giftCards\.(roundAmounts|family)$/;

const ASSUMES =
  'The customer has no history: the till knows only this basket, what the colleague sees and the answers so far. With history (the same customer’s purchases at other tills and stores) the service can only decide more strongly, so when it answers, its decision stands.';

function policyFacts(ruleSet: CompiledRuleSet): PolicyFact[] {
  const facts: PolicyFact[] = [];
  for (const reference of ruleSet.facts.reference) {
    if (NOT_CARRIED.test(reference.path)) continue;
    const type = CEL_TYPES[reference.type];
    if (!type) continue;
    const question = reference.path.startsWith('answers.') ? reference.path.slice('answers.'.length) : undefined;
    const values = question ? ['', ...(ruleSet.prompts.answerValues.get(question) ?? [])] : reference.values;
    const description = question
      ? `The answer to the question "${question}"; "" until it is answered.`
      : reference.path.startsWith('signals.')
        ? `${reference.description} false unless the colleague ticked it.`
        : (DERIVATION[reference.path] ?? reference.description);
    facts.push({ name: reference.path, type, description, ...(values ? { values: [...values] } : {}) });
  }
  return facts;
}

/**
 * Which way a rule's inexpressible pieces are approximated, and the score it then carries: a rule
 * that can only raise a decision matches at least as often as it should; one that can only lower
 * it, at most as often; one that does both (a negative score with an action) keeps its action and
 * gives up its negative score.
 */
function direction(rule: CompiledRule): { towards: boolean; score: number } {
  if (rule.score < 0 && !rule.action) return { towards: false, score: rule.score };
  return { towards: true, score: Math.max(rule.score, 0) };
}

function policyRule(rule: CompiledRule, ruleSet: CompiledRuleSet, vocabulary: Vocabulary): PolicyRule {
  const expression = ruleSet.facts.environment.parse(rule.definition.when);
  expression.check();
  const { towards, score } = direction(rule);
  const { formula, approximated } = translateCondition(expression.ast, vocabulary, towards);
  const exact = approximated.length === 0;
  return {
    id: rule.id,
    when: formula,
    score: exact ? rule.score : score,
    ...(rule.action ? { action: rule.action } : {}),
    ...(rule.definition.prompt ? { prompt: rule.definition.prompt } : {}),
    exact,
    ...(exact
      ? {}
      : {
          approximation: `The table cannot express ${[...new Set(approximated)].join('; ')}, so it ${towards ? 'matches wherever the rule might' : 'matches only where the rule must'}${score !== rule.score ? ', without the rule’s negative score' : ''}.`,
        }),
  };
}

function scripts(ruleSet: CompiledRuleSet, locale: string): Pick<OfflinePolicy, 'locale' | 'defaultPrompt' | 'actions' | 'next' | 'prompts' | 'questions' | 'handOff'> {
  const prompts = ruleSet.locales.get(locale) ?? ruleSet.prompts;
  const script = (action: Exclude<Action, 'allow'>) => {
    const prompt = prompts.actionPrompt(action);
    return prompt ? { prompt } : {};
  };
  const rendered: Record<string, PolicyPrompt> = {};
  for (const id of prompts.promptIds) {
    const { headline, say, messageIds, questions, advice } = prompts.render(id, {});
    rendered[id] = { headline, say, messageIds, questions: questions.map((question) => question.id), advice };
  }
  return {
    locale: prompts.locale,
    defaultPrompt: prompts.defaultPrompt,
    actions: { prompt: script('prompt'), hold: script('hold'), refuse: script('refuse') },
    next: { ...prompts.nextTexts },
    prompts: rendered,
    questions: [...prompts.questions],
    handOff: copyHandOff(prompts.handOff),
  };
}

/**
 * The rule set as a decision table over basket facts, for tills that cannot run the engine. Shadow
 * rules are left out (they never change a decision). Pure: the same rule set gives the same table.
 */
/**
 * `locale`: the language of the scripts, one the rule set has (its default otherwise). `holdDeadlineMs`:
 * how long the service keeps a hold open (the service's setting, not the rule set's).
 */
export function compileOfflinePolicy(ruleSet: CompiledRuleSet, locale: string = ruleSet.defaultLocale, holdDeadlineMs = DEFAULT_HOLD_DEADLINE_MS): OfflinePolicy {
  const facts = policyFacts(ruleSet);
  const vocabulary: Vocabulary = {
    types: new Map(facts.map((fact) => [fact.name, fact.type])),
    values: new Map(facts.filter((fact) => fact.values).map((fact) => [fact.name, fact.values!])),
    lists: ruleSet.lists,
  };
  return {
    format: OFFLINE_POLICY_FORMAT,
    ruleSetVersion: ruleSet.version,
    contentHash: ruleSet.contentHash,
    assumes: ASSUMES,
    facts,
    bands: { ...ruleSet.bands },
    rules: ruleSet.rules.filter((rule) => !rule.shadow).map((rule) => policyRule(rule, ruleSet, vocabulary)),
    ...scripts(ruleSet, locale),
    holds: { deadlineSeconds: Math.round(holdDeadlineMs / 1000), releaseReasonAbove: ruleSet.holds.releaseReasonAbove },
  };
}
