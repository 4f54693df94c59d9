import { z } from 'zod';
import { StoreId, Text, Timestamp } from './common.js';
import { Action, Outcome } from './enums.js';
import { DEFAULT_REPORT_DAYS, MAX_REPORT_DAYS, MAX_STORES_PER_REPORT, ReportDate } from './reports.js';
import { RuleSetSource } from './rule-file.js';

export const RuleSetStatus = z.enum(['pending', 'approved', 'rejected']).meta({
  id: 'RuleSetStatus',
  description:
    '`pending`: published while two-person approval is on, waiting for a second admin. `approved`: may be active. `rejected`: a second admin turned it down.',
});

export const PublishRequest = RuleSetSource.extend({
  note: Text().trim().min(1).max(500).optional().meta({ description: 'What changed and why, for the audit log.', example: 'Prompt from £200 for customers in their 70s' }),
}).meta({ id: 'PublishRequest', description: 'A rule set to publish, as its YAML files.' });
export type PublishRequest = z.infer<typeof PublishRequest>;

export const PublishResult = z
  .object({
    version: z.string().meta({ example: '2026.11.25-2' }),
    status: z.enum(['active', 'pending_approval', 'unchanged', 'valid']).meta({
      description:
        '`active`: decides the next check. `pending_approval`: stored; a second admin must approve it. `unchanged`: it is already the active rule set. `valid`: a dry run passed; nothing was stored.',
    }),
    previousVersion: z.string().nullable().meta({ description: 'The version active before this call.' }),
    rules: z.number().int(),
    tests: z.object({ passed: z.number().int(), total: z.number().int() }),
    warnings: z.array(z.string()).meta({ description: 'Lint findings that do not stop a publish (duplicate conditions, rules no test exercises…).' }),
  })
  .meta({ id: 'PublishResult' });
export type PublishResult = z.infer<typeof PublishResult>;

export const RuleSetVersion = z
  .object({
    version: z.string(),
    contentHash: z.string(),
    status: RuleSetStatus,
    active: z.boolean(),
    note: z.string().nullable(),
    createdAt: Timestamp,
    createdBy: z.string().meta({ description: 'Key id that published it (`system` for the rules directory on first start).' }),
    reviewedBy: z.string().nullable().meta({ description: 'Key id that approved or rejected it; the publisher when approval is not required.' }),
    reviewedAt: Timestamp.nullable(),
  })
  .meta({ id: 'RuleSetVersion' });
export type RuleSetVersion = z.infer<typeof RuleSetVersion>;

export const RuleSetVersionDetail = RuleSetVersion.extend({ source: RuleSetSource }).meta({ id: 'RuleSetVersionDetail' });

export const RuleSetVersions = z
  .object({
    active: z.string(),
    versions: z.array(RuleSetVersion).meta({ description: 'Every version ever published, newest first.' }),
    activations: z
      .array(z.object({ version: z.string(), activatedAt: Timestamp, activatedBy: z.string() }))
      .meta({ description: 'Which version became active when, newest first.' }),
  })
  .meta({ id: 'RuleSetVersions' });

export const RollbackRequest = z
  .strictObject({
    version: Text().min(1).max(64).optional().meta({
      description: 'The approved version to go back to. Leave out to return to the version active before the current one.',
      example: 'sha-498c7cc2fc76c540',
    }),
    note: Text().trim().min(1).max(500).optional(),
  })
  .meta({ id: 'RollbackRequest' });

export const ReviewRequest = z
  .strictObject({ note: Text().trim().min(1).max(500).optional() })
  .meta({ id: 'ReviewRequest' });

export const RuleSetProblemSchema = z
  .object({
    file: z.string(),
    ruleId: z.string().optional(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
    message: z.string(),
  })
  .meta({ id: 'RuleSetProblem', description: 'Why a rule set was refused: the file, the rule and where.' });

export const FailedRuleTest = z
  .object({ file: z.string(), name: z.string(), failures: z.array(z.string()) })
  .meta({ id: 'FailedRuleTest' });


export const BacktestRequest = z
  .strictObject({
    candidate: z
      .union([RuleSetSource, z.strictObject({ version: Text().min(1).max(64) })])
      .meta({ description: 'The rule set to try: its files, or a stored version.' }),
    baseline: z
      .strictObject({ version: Text().min(1).max(64) })
      .optional()
      .meta({ description: 'What to compare with. Default: the active rule set.' }),
    from: ReportDate.optional().meta({ description: `First day of the period (the store’s calendar day), included. Default: ${DEFAULT_REPORT_DAYS - 1} days before \`to\`. At most ${MAX_REPORT_DAYS} days.`, example: '2026-10-01' }),
    to: ReportDate.optional().meta({ description: 'Last day of the period (the store’s calendar day), included. Default: today in the store.', example: '2026-10-31' }),
    storeIds: z.array(StoreId).min(1).max(MAX_STORES_PER_REPORT).optional().meta({ description: 'Only these stores. Default: every store the key may see.' }),
    interveneAt: Action.exclude(['allow']).default('prompt').meta({
      description: 'The weakest action that counts as stopping or interrupting a sale. `prompt` counts every intervention; `hold` only the ones that pause the sale.',
    }),
    examples: z.number().int().min(0).max(200).default(20).meta({ description: 'How many changed decisions to show.' }),
  })
  .meta({ id: 'BacktestRequest' });
export type BacktestRequest = z.infer<typeof BacktestRequest>;

const ActionCounts = z.object({ allow: z.number().int(), prompt: z.number().int(), hold: z.number().int(), refuse: z.number().int() });

export const BacktestMetrics = z
  .object({
    version: z.string(),
    actions: ActionCounts.meta({ description: 'Checks by the action this rule set gives them.' }),
    scamsStopped: z.number().int().meta({ description: 'Checks with outcome `scam_confirmed` that this rule set would meet with `interveneAt` or stronger (true positives).' }),
    scamsMissed: z.number().int().meta({ description: 'Checks with outcome `scam_confirmed` it would meet with less (false negatives).' }),
    ordinaryInterrupted: z.number().int().meta({ description: 'Checks with outcome `proceeded` or `proceeded_after_warning` (the customer bought: ordinary shopping) that it would meet with `interveneAt` or stronger (false positives).' }),
    ordinaryLeftAlone: z.number().int().meta({ description: 'Ordinary checks it would meet with less (true negatives).' }),
    precision: z.number().nullable().meta({ description: 'scamsStopped / (scamsStopped + ordinaryInterrupted); null when nothing labelled was stopped.' }),
    recall: z.number().nullable().meta({ description: 'scamsStopped / (scamsStopped + scamsMissed); null when there are no confirmed scams.' }),
    interruptionRate: z.number().nullable().meta({ description: 'ordinaryInterrupted / ordinary checks; null when there are none.' }),
    valueProtected: z.number().int().meta({ description: 'Stored value (minor units) of the confirmed scams it would stop.' }),
  })
  .meta({ id: 'BacktestMetrics' });
export type BacktestMetrics = z.infer<typeof BacktestMetrics>;

const DecisionSummary = z.object({ action: Action, score: z.number().int(), rules: z.array(z.string()) });

export const BacktestReport = z
  .object({
    from: ReportDate,
    to: ReportDate,
    interveneAt: Action,
    checks: z.number().int().meta({ description: 'Checks in the period (and stores) that were decided again.' }),
    labels: z
      .object({
        scams: z.number().int().meta({ description: 'Outcome `scam_confirmed`.' }),
        ordinary: z.number().int().meta({ description: 'Outcome `proceeded` or `proceeded_after_warning`.' }),
        unlabelled: z.number().int().meta({ description: 'No outcome, `abandoned` or `refused`: what would have happened is not known.' }),
      })
      .meta({ description: 'Recorded outcomes, used as labels.' }),
    baseline: BacktestMetrics.meta({ description: 'The baseline after answers: each check decided with the answers the colleague recorded.' }),
    candidate: BacktestMetrics.meta({ description: 'The candidate after answers, on the same recorded answers as the baseline.' }),
    firstScreen: z
      .object({
        baseline: BacktestMetrics,
        candidate: BacktestMetrics,
      })
      .meta({
        description:
          'Both rule sets at the first screen, before any answer: what the colleague would see when the basket is scanned. The baseline’s figure here is what the summary report counts as warned.',
      }),
    candidateWithoutAnswers: z.number().int().meta({
      description:
        'Checks the candidate would prompt, hold or refuse for which no answers were recorded (the baseline never asked): its after-answers figure for them is its first-screen one.',
    }),
    changes: z.object({
      total: z.number().int().meta({ description: 'Checks whose action would change.' }),
      transitions: z.array(z.object({ from: Action, to: Action, checks: z.number().int() })),
      examples: z.array(
        z.object({
          checkId: z.string(),
          storeId: z.string(),
          occurredAt: Timestamp,
          // A union, not .nullable(): the OpenAPI generator drops the null from a nullable named schema.
          outcome: z.union([Outcome, z.null()]),
          storedValue: z.number().int(),
          baseline: DecisionSummary,
          candidate: DecisionSummary,
        }),
      ),
    }),
    durationMs: z.number().int(),
  })
  .meta({
    id: 'BacktestReport',
    description:
      'Both rule sets decide every stored check in the period again, from what was recorded at the time: the final basket and the customer’s history as it stood, twice: at the first screen, before any answer (`firstScreen`), and after the colleague’s recorded answers (`baseline`, `candidate`). Each stage gives both rule sets the same inputs. Answers exist only where a prompt was shown, so a candidate that prompts more often is judged without the answers it would have collected (`candidateWithoutAnswers` says for how many checks).',
  });
export type BacktestReport = z.infer<typeof BacktestReport>;

export const ShadowReport = z
  .object({
    from: ReportDate,
    to: ReportDate,
    rules: z.array(
      z.object({
        ruleId: z.string(),
        inActiveSet: z.boolean().meta({ description: 'Whether the rule is a shadow rule in the active rule set (false: it was in an earlier one).' }),
        hits: z.number().int().meta({ description: 'After answers: checks in the period whose latest decision matched the rule.' }),
        firstScreenHits: z.number().int().meta({
          description: 'At the first screen, before any answer: checks in the period whose first decision matched the rule (what it would have added to the warned count of the summary report).',
        }),
        storedValue: z.number().int().meta({ description: 'Stored value of those checks (minor units).' }),
        byOutcome: z.record(z.string(), z.number().int()).meta({ description: 'Those checks by recorded outcome (`none` when there is none yet).' }),
        byAction: z.record(z.string(), z.number().int()).meta({ description: 'Those checks by the action actually enforced.' }),
      }),
    ),
  })
  .meta({
    id: 'ShadowReport',
    description: 'How often each shadow rule would have fired, at the first screen and after answers, and what happened at the till when it did.',
  });
