import { z } from 'zod';
import { Advice, HandOffAction, NextStepKind, PromptQuestion } from './decision.js';
import { Action, AgeBand, AgeSource, Lane, LineKind, Tender } from './enums.js';

/**
 * The active rule set compiled for tills that cannot run the engine (Java, C#, Python…): a decision
 * table over what the till knows of one basket, with the scripts. See `src/engine/offline-policy/`
 * for how it is compiled and evaluated, and `examples/python/` for a reference evaluator.
 */

export const OFFLINE_POLICY_FORMAT = 'vouchsafe.offline-policy/1';

export const PolicyFactType = z.enum(['integer', 'number', 'boolean', 'string', 'string-list']);
export type PolicyFactType = z.infer<typeof PolicyFactType>;

export const PolicyFact = z
  .object({
    name: z.string().meta({ example: 'giftCards.total' }),
    type: PolicyFactType,
    description: z.string().meta({ description: 'What it is and how the till works it out from the basket.' }),
    values: z.array(z.string()).optional().meta({ description: 'Every value it can take, for closed sets. `""` is an unanswered question.' }),
  })
  .meta({ id: 'PolicyFact', description: 'An input of the decision table, worked out by the till from the basket, the colleague and the answers.' });
export type PolicyFact = z.infer<typeof PolicyFact>;

export const PolicyOperator = z.enum(['==', '!=', '<', '<=', '>', '>=', 'in', 'not_in', 'any_in', 'none_in']).meta({
  id: 'PolicyOperator',
  description:
    '`==`, `!=`: equal or not (numbers, strings, booleans). `<`, `<=`, `>`, `>=`: numeric comparison. `in`, `not_in`: the fact is, or is not, one of `value`. `any_in`, `none_in`: some element of the list fact is in `value`, or none is.',
});
export type PolicyOperator = z.infer<typeof PolicyOperator>;

export const PolicyValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.string())]);
export type PolicyValue = z.infer<typeof PolicyValue>;

export const PolicyCondition = z
  .object({
    fact: z.string().meta({ example: 'giftCards.total' }),
    op: PolicyOperator,
    value: PolicyValue.meta({ example: 50000 }),
  })
  .meta({ id: 'PolicyCondition', description: 'One test of one fact against a constant.' });
export type PolicyCondition = z.infer<typeof PolicyCondition>;

export const PolicyRule = z
  .object({
    id: z.string().meta({ example: 'older-customer-80-plus' }),
    when: z.array(z.array(PolicyCondition)).meta({
      description:
        'The rule matches when every condition of at least one row holds. A row with no conditions always holds; a rule with no rows never matches.',
    }),
    score: z.number().int().meta({ description: 'Added to the decision’s score when the rule matches.', example: 35 }),
    action: Action.exclude(['allow']).optional().meta({ description: 'The least action the decision takes when the rule matches.' }),
    prompt: z.string().optional().meta({ description: 'The script this rule asks for, if the action does not name one.', example: 'paying-someone' }),
    exact: z.boolean().meta({
      description:
        'true: the rows say exactly what the rule says for a customer with no history. false: the rule reads something the table cannot (see `approximation`), so the rows match at least as often (or, for a rule that lowers the score, at most as often) and the table errs towards caution.',
    }),
    approximation: z.string().optional().meta({ description: 'What the table could not express, when `exact` is false.' }),
  })
  .meta({ id: 'PolicyRule', description: 'An enforced rule, as rows of conditions over basket facts.' });
export type PolicyRule = z.infer<typeof PolicyRule>;

export const PolicyPrompt = z
  .object({
    headline: z.string(),
    say: z.string(),
    messageIds: z.object({ headline: z.string(), say: z.string() }),
    questions: z.array(z.string()).meta({ description: 'Question ids, in the order to ask them.' }),
    advice: z.array(Advice).meta({ description: 'Every line of advice to show, the rule set’s standing advice included.' }),
  })
  .meta({ id: 'PolicyPrompt', description: 'A script, as the till renders it.' });
export type PolicyPrompt = z.infer<typeof PolicyPrompt>;

const ActionScript = z.object({
  prompt: z.string().optional().meta({ description: 'The script this action always shows, whatever the rules ask for.' }),
});

export const OfflinePolicy = z
  .object({
    format: z.literal(OFFLINE_POLICY_FORMAT),
    ruleSetVersion: z.string().meta({ example: 'sha-d4e1c70eb38f8295' }),
    contentHash: z.string().meta({ example: 'd4e1c70eb38f8295' }),
    assumes: z.string().meta({ description: 'What the table cannot know, and so assumes.' }),
    facts: z.array(PolicyFact),
    bands: z.object({ prompt: z.number().int(), hold: z.number().int(), refuse: z.number().int() }).meta({
      description: 'A score of at least `refuse` refuses, at least `hold` holds, at least `prompt` prompts; below that, allow.',
    }),
    rules: z.array(PolicyRule).meta({ description: 'In rule-set order: the order breaks ties when choosing a script.' }),
    locale: z.string().meta({ description: 'The language of the scripts: the rule set’s default.', example: 'en-GB' }),
    defaultPrompt: z.string().meta({ example: 'paying-someone' }),
    actions: z.object({ prompt: ActionScript, hold: ActionScript, refuse: ActionScript }),
    next: z.record(NextStepKind, z.string()).meta({ description: 'What the colleague does now, by step (message id `next.<step>`).' }),
    prompts: z.record(z.string(), PolicyPrompt),
    questions: z.array(PromptQuestion),
    handOff: z.array(HandOffAction).meta({ description: 'The warm hand-off: with `next.handOff` on a refusal or a hold, when not empty.' }),
    holds: z
      .object({
        deadlineSeconds: z.number().int().meta({
          description: 'How long a held sale waits for its supervisor (VOUCHSAFE_HOLD_DEADLINE). A decision made after it finds the hold expired, which counts as refused.',
          example: 300,
        }),
        releaseReasonAbove: z.number().int().meta({
          description: 'Releasing a hold whose stored value (`giftCards.total`) is above this (minor units) needs the supervisor’s `reason` as well as their `supervisorRef`.',
          example: 50000,
        }),
      })
      .meta({
        description:
          'A hold offline: the till shows `next.wait_for_supervisor` until a supervisor decides there. Queue the decision with `decidedAt`, the time the supervisor made it, and send it before the sale’s outcome when the service answers again: without `decidedAt` a hold delivered late arrives expired and the sale’s outcome is a 409.',
      }),
  })
  .meta({
    id: 'OfflinePolicy',
    description: [
      'The active rule set as a decision table any till can evaluate when Vouchsafe does not answer within its time budget. To decide:',
      '1. Work out each fact from the basket (`facts[].description`), the signals the colleague ticked and the answers so far.',
      '2. A rule matches when every condition of at least one of its `when` rows holds.',
      '3. `score` is the sum of the matched rules’ scores. The action is the band the score reaches (`bands`), raised to the strongest `action` of any matched rule (allow < prompt < hold < refuse).',
      '4. Unless the action is `allow`, the script is `actions[action].prompt` if set; else the `prompt` of the first matched rule that has one, matched rules taken strongest first (action, then score, then list order); else `defaultPrompt`. Show `prompts[id]` with only the questions not yet answered.',
      '5. The next step is `refuse` for a refusal, `wait_for_supervisor` for a hold, otherwise `ask` while a question is left and `finish_sale` when none is; show `next[step]`; for `refuse` and `wait_for_supervisor`, also the `handOff` actions (as `next.handOff`), when there are any.',
      'For a customer with no history the result is never weaker than the service’s decision; the conformance vectors (`GET /v1/rules/offline-policy/vectors`) pin it down.',
    ].join('\n'),
  });
export type OfflinePolicy = z.infer<typeof OfflinePolicy>;

export const PolicyBasket = z
  .object({
    currency: z.string().meta({ example: 'GBP' }),
    lines: z.array(
      z.object({
        kind: LineKind,
        unitAmount: z.number().int(),
        quantity: z.number().int().optional().meta({ description: '1 when absent.' }),
        brand: z.string().optional().meta({ description: 'As the till has it; the table reads it folded (see the `giftCards.brands` fact).' }),
      }),
    ),
    tender: Tender.optional(),
    lane: Lane.optional(),
    customer: z
      .object({ ageBand: AgeBand.optional(), ageSource: AgeSource.optional(), loyaltyId: z.string().optional(), paymentToken: z.string().optional() })
      .optional(),
    signals: z.record(z.string(), z.boolean()).optional().meta({ description: 'The signals ticked; any left out is false.' }),
  })
  .meta({ id: 'PolicyBasket', description: 'A basket as a till sends it in `POST /v1/checks`: defaults not yet applied, brands as written.' });
export type PolicyBasket = z.infer<typeof PolicyBasket>;

export const PolicyExpectation = z
  .object({
    action: Action,
    score: z.number().int(),
    rules: z.array(z.string()).meta({ description: 'The matched rules, strongest first.' }),
    prompt: z
      .union([
        z.object({
          id: z.string().meta({ example: 'paying-someone' }),
          questions: z.array(z.string()).meta({ description: 'The ids of the questions still to ask, in order.' }),
        }),
        z.null(),
      ])
      .meta({ description: 'The script chosen (its text is the policy’s `prompts[id]`); null when the action is allow.' }),
    next: NextStepKind.meta({ description: 'What the colleague does now (its text is the policy’s `next[step]`).' }),
    releaseNeedsReason: z.boolean().meta({
      description: 'For a hold: whether a supervisor’s release needs a reason (`giftCards.total` above `holds.releaseReasonAbove`). false for any other action.',
    }),
  })
  .meta({ id: 'PolicyExpectation', description: 'What an evaluator of the offline policy must decide for one basket.' });
export type PolicyExpectation = z.infer<typeof PolicyExpectation>;

export const PolicyVector = z
  .object({
    name: z.string().meta({ example: 'Markyate — 87-year-old buying £500 of iTunes vouchers, nothing else noticed, is held' }),
    basket: PolicyBasket,
    answers: z.record(z.string(), z.string()).meta({ description: 'The colleague’s answers so far, by question id.' }),
    facts: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.array(z.string())])).meta({
      description: 'Every fact of the table for this basket, to test working them out apart from deciding.',
    }),
    expect: PolicyExpectation,
    service: Action.meta({ description: 'What the service decides for the same basket and a customer with no history: never stronger than `expect.action`.' }),
  })
  .meta({ id: 'PolicyVector', description: 'A basket, the facts the till should work out from it, and the decision the policy must give.' });
export type PolicyVector = z.infer<typeof PolicyVector>;

export const OfflinePolicyVectors = z
  .object({
    format: z.literal(OFFLINE_POLICY_FORMAT),
    ruleSetVersion: z.string(),
    contentHash: z.string(),
    vectors: z.array(PolicyVector),
  })
  .meta({
    id: 'OfflinePolicyVectors',
    description: 'Conformance vectors for an evaluator of the offline policy of the same rule set: each basket decided by the engine and by the table.',
  });
export type OfflinePolicyVectors = z.infer<typeof OfflinePolicyVectors>;
