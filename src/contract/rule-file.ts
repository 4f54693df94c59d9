import { z } from 'zod';
import { CheckRequest } from './check.js';
import { Text } from './common.js';
import { HandOffStep } from './decision.js';
import { Action } from './enums.js';
import { AreaFacts } from './area.js';
import { FamilyWindowFacts, HistoryWindowFacts, NetworkFacts } from './fact-schema.js';

/** The YAML shapes of `rules/*.yaml` and `rules/prompts/<locale>.yaml`: what an analyst writes. */

export const RuleId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Rule ids are lower-case words joined by hyphens, like older-customer-high-value')
  .max(80);

export const PromptId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Prompt ids are lower-case words joined by hyphens')
  .max(80);

export const RuleMode = z.enum(['enforce', 'shadow']);
export type RuleMode = z.infer<typeof RuleMode>;

export const RuleDefinition = z
  .strictObject({
    id: RuleId,
    description: z.string().max(500).optional(),
    // YAML reads a bare `when: true` as a boolean; it is still the CEL expression `true`.
    when: z.preprocess((value) => (typeof value === 'boolean' ? String(value) : value), z.string().min(1).max(4000)),
    score: z.number().int().min(-100).max(100).optional(),
    action: Action.exclude(['allow']).optional(),
    reason: z.string().min(1).max(300),
    prompt: PromptId.optional(),
    mode: RuleMode.default('enforce'),
  })
  .refine((rule) => rule.score !== undefined || rule.action !== undefined, {
    message: 'A rule needs a score, an action, or both',
    path: ['score'],
  });
export type RuleDefinition = z.infer<typeof RuleDefinition>;

export const Bands = z
  .strictObject({
    prompt: z.number().int().min(1),
    hold: z.number().int().min(1),
    refuse: z.number().int().min(1),
  })
  .refine((b) => b.prompt < b.hold && b.hold < b.refuse, 'Bands must rise: prompt < hold < refuse');
export type Bands = z.infer<typeof Bands>;

export const HoldSettings = z.strictObject({
  releaseReasonAbove: z
    .number()
    .int()
    .min(0)
    .describe('A supervisor releasing a held check whose stored value is above this (minor units) must give a reason.'),
  delayActivationAbove: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('A released hold whose stored value is above this (minor units) recommends activating the cards later (`activation` in the decision). Left out: never.'),
  activationDelayMinutes: z
    .number()
    .int()
    .min(1)
    .max(14 * 24 * 60)
    .optional()
    .describe('How long that recommended delay is, in minutes (60 unless given).'),
});
export type HoldSettings = z.infer<typeof HoldSettings>;

const HistoryWindowInput = HistoryWindowFacts.strict().partial();

/** History for a rule test: any window or count left out is zero. */
export const HistoryInput = z.strictObject({
  h1: HistoryWindowInput.optional(),
  h24: HistoryWindowInput.optional(),
  d30: HistoryWindowInput.optional(),
  sameFamily: z
    .strictObject({ d7: FamilyWindowFacts.strict().partial().optional(), d30: FamilyWindowFacts.strict().partial().optional() })
    .optional(),
});
export type HistoryInput = z.infer<typeof HistoryInput>;

/** Area alerts for a rule test: what the check sees of scams stopped nearby; left out, none. */
export const AreaInput = AreaFacts.strict().partial();
export type AreaInput = z.infer<typeof AreaInput>;

export const RuleTestCase = z.strictObject({
  name: z.string().min(1).max(200),
  check: CheckRequest.partial({ storeId: true, tillId: true, transactionId: true, currency: true }),
  history: HistoryInput.optional(),
  area: AreaInput.optional(),
  /** What the retailers' exchange said; anything left out is as if it did not answer. */
  network: NetworkFacts.strict().partial().optional(),
  answers: z.record(z.string(), z.string()).optional(),
  expect: z.strictObject({
    action: Action,
    rules: z.array(RuleId).optional(),
    notRules: z.array(RuleId).optional(),
    prompt: PromptId.nullable().optional(),
  }),
});
export type RuleTestCase = z.infer<typeof RuleTestCase>;

/** A prompts file's language, as a BCP 47 tag: `en-GB`, `cy-GB`, `en-US`. */
export const LocaleTag = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'A locale is a language, and maybe a region: en-GB, cy-GB, en-US');

export const RuleFile = z.strictObject({
  version: z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/).optional(),
  /** Which prompts file a check gets when it asks for no language the rule set has. Needed once there are several. */
  defaultLocale: LocaleTag.optional(),
  bands: Bands.optional(),
  lists: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'List names are camelCase'), z.array(z.string()).min(1)).optional(),
  holds: HoldSettings.optional(),
  rules: z.array(RuleDefinition).default([]),
  tests: z.array(RuleTestCase).default([]),
});
export type RuleFile = z.infer<typeof RuleFile>;

export const QuestionDefinition = z.strictObject({
  text: z.string().min(1).max(200),
  answers: z.array(z.strictObject({ value: z.string().regex(/^[a-z][a-z0-9_]*$/), label: z.string().min(1).max(80) })).min(2),
});

export const PromptDefinition = z.strictObject({
  headline: z.string().min(1).max(80),
  say: z.string().min(1).max(300),
  questions: z.array(z.string()).default([]),
  advice: z.array(z.string().min(1).max(200)).max(3).default([]),
});

/** What the colleague does now, one text per step (see NextStepKind). */
export const NextTexts = z.strictObject({
  ask: z.string().min(1).max(200),
  finish_sale: z.string().min(1).max(200),
  refuse: z.string().min(1).max(300),
  wait_for_supervisor: z.string().min(1).max(200),
});
export type NextTexts = z.infer<typeof NextTexts>;

/**
 * One action of the warm hand-off: what the colleague does for the customer now, and which escalation
 * it records. Every number must be real for the file's country and cited beside it.
 */
export const HandOffDefinition = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'Hand-off ids are lower-case words joined by hyphens'),
  step: HandOffStep,
  text: z.string().min(1).max(200),
  phones: z
    .array(z.string().regex(/^\+?[0-9](?:[0-9 -]{0,18}[0-9])?$/, 'A phone number is digits, maybe with spaces or hyphens and a leading +, as written in the text'))
    .max(3)
    .default([]),
});
export type HandOffDefinition = z.infer<typeof HandOffDefinition>;

export const PromptFile = z.strictObject({
  locale: LocaleTag,
  defaultPrompt: PromptId,
  /** Shown after every prompt's own advice; a prompt shows at most three lines in all. */
  alwaysAdvise: z.array(z.string().min(1).max(200)).max(3).default([]),
  questions: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'Question ids are camelCase'), QuestionDefinition),
  prompts: z.record(PromptId, PromptDefinition),
  actions: z
    .strictObject({
      prompt: z.strictObject({ prompt: PromptId.optional() }).optional(),
      hold: z.strictObject({ prompt: PromptId.optional() }).optional(),
      refuse: z.strictObject({ prompt: PromptId.optional() }).optional(),
    })
    .default({}),
  next: NextTexts,
  /** The warm hand-off a refused or held decision carries (see HandOffDefinition), in order; at most five actions fit on a till. */
  handOff: z.array(HandOffDefinition).max(5).default([]),
  /**
   * The colleague's reason for each rule, in this language, as a template like the rule's own
   * `reason:`. A rule left out shows its `reason:` (the lint flags it in a language other than the
   * rule files', and flags a reason for a rule the set does not have).
   */
  reasons: z.record(RuleId, z.string().min(1).max(300)).default({}),
});
export type PromptFile = z.infer<typeof PromptFile>;

/** A rule set as files: what is published, stored, served to the SDK and compiled by the engine. */
export const RuleSetSource = z
  .strictObject({
    files: z
      .array(z.strictObject({ path: Text().min(1).max(200), content: Text().max(1_000_000) }))
      .min(1)
      .max(100)
      .meta({ description: 'Rule files (`*.yaml`), by path relative to the rules folder.' }),
    prompts: z
      .array(z.strictObject({ path: Text().min(1).max(200), content: Text().max(1_000_000) }))
      .min(1)
      .max(20)
      .meta({ description: 'Prompt files (`prompts/<locale>.yaml`).' }),
  })
  .meta({ id: 'RuleSetSource', description: 'A rule set as its YAML files.' });
export type RuleSetSource = z.infer<typeof RuleSetSource>;
