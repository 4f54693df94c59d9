import { z } from 'zod';
import { Timestamp } from './common.js';
import { PromptQuestion } from './decision.js';
import { Action } from './enums.js';
import { FactReference } from './fact-schema.js';
import { RuleMode, RuleSetSource } from './rule-file.js';

export const RuleSummary = z
  .object({
    id: z.string().meta({ example: 'older-customer-80-plus' }),
    file: z.string().meta({ example: 'value-and-age.yaml' }),
    description: z.string().optional(),
    when: z.string().meta({ example: 'customer.ageBand == "80_plus" && giftCards.total >= 10000' }),
    score: z.number().int(),
    action: Action.exclude(['allow']).optional(),
    mode: RuleMode,
    reason: z.string(),
    prompt: z.string().optional(),
  })
  .meta({ id: 'RuleSummary', description: 'A rule, as written.' });

export const ActiveRuleSet = z
  .object({
    version: z.string().meta({ example: '2026.11.25-1' }),
    contentHash: z.string().meta({ description: 'Fingerprint of the files, to tell contents apart.', example: '498c7cc2fc76c540' }),
    activatedAt: Timestamp,
    bands: z.object({ prompt: z.number().int(), hold: z.number().int(), refuse: z.number().int() }),
    holds: z.object({
      releaseReasonAbove: z.number().int().meta({ description: 'Releasing a held check with more stored value than this (minor units) needs a reason.', example: 50000 }),
      delayActivationAbove: z.number().int().optional().meta({ description: 'A released hold with more stored value than this (minor units) recommends delayed activation.', example: 50000 }),
      activationDelayMinutes: z.number().int().optional().meta({ description: 'The recommended delay, in minutes.', example: 60 }),
    }),
    lists: z.record(z.string(), z.array(z.string())),
    rules: z.array(RuleSummary),
    questions: z.array(PromptQuestion).meta({ description: 'Every question a prompt can ask, with its answers.' }),
    facts: z.array(FactReference).meta({ description: 'Every fact a rule condition can read.' }),
    source: RuleSetSource.meta({ description: 'The files themselves: what the till SDK compiles to decide offline.' }),
  })
  .meta({ id: 'ActiveRuleSet', description: 'The rule set checks are decided with.' });
export type ActiveRuleSet = z.infer<typeof ActiveRuleSet>;
