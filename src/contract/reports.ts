import { z } from 'zod';
import { CaseReport } from './cases.js';
import { StoreId, Timestamp } from './common.js';
import { Action, AgeBand, Lane, Outcome } from './enums.js';

/** The longest period one report covers: a leap year. */
export const MAX_REPORT_DAYS = 366;
/** The period when none is asked for: the last 30 days, today included. */
export const DEFAULT_REPORT_DAYS = 30;
export const MAX_STORES_PER_REPORT = 1000;

export const ReportDate = z.iso.date().meta({
  description: 'A calendar day, `YYYY-MM-DD`, in the store’s time zone (VOUCHSAFE_TIMEZONE, default Europe/London): from its midnight to the next, 23 or 25 hours on the days the clocks change.',
  example: '2017-10-30',
});

/** A repeatable query parameter: `?x=a` arrives as a string, `?x=a&x=b` as an array; either way, a list. */
const repeated = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item)]).transform((value) => (Array.isArray(value) ? value : [value]) as z.output<T>[]);

export const GroupBy = z.enum(['day', 'store', 'rule', 'ageBand', 'lane']).meta({ id: 'ReportGroupBy' });
export type GroupBy = z.infer<typeof GroupBy>;

const periodFields = {
  from: ReportDate.optional().meta({
    param: { name: 'from', in: 'query' },
    description: `First day of the period (the store’s calendar day), included. Default: ${DEFAULT_REPORT_DAYS - 1} days before \`to\`. At most ${MAX_REPORT_DAYS} days from \`from\` to \`to\`.`,
    example: '2017-10-01',
  }),
  to: ReportDate.optional().meta({
    param: { name: 'to', in: 'query' },
    description: 'Last day of the period (the store’s calendar day), included. Default: today in the store. Not before `from`.',
    example: '2017-10-31',
  }),
  storeId: repeated(StoreId)
    .pipe(z.array(StoreId).max(MAX_STORES_PER_REPORT))
    .optional()
    .meta({
      param: { name: 'storeId', in: 'query', style: 'form', explode: true },
      description:
        'Only these stores; repeat the parameter for several (`storeId=a&storeId=b`). Default: every store the key may see. A key limited to some stores gets 403 `store_forbidden` for any other.',
      example: ['herts-stevenage-012'],
    }),
};

export const SummaryQuery = z.strictObject({
  ...periodFields,
  groupBy: repeated(GroupBy)
    .optional()
    .meta({
      param: { name: 'groupBy', in: 'query', style: 'form', explode: true },
      description:
        'Which breakdowns to include; repeat the parameter for several (`groupBy=day&groupBy=store`): `day` (every day of the period), `store` (ranked), `rule`, `ageBand`, `lane`. Default: all of them. The totals are always included.',
      example: ['day', 'store'],
    }),
});
export type SummaryQuery = z.infer<typeof SummaryQuery>;

/** A period and stores, as every report takes them. */
export const PeriodQuery = z.strictObject(periodFields);
export type PeriodQuery = z.infer<typeof PeriodQuery>;

export const ChecksExportQuery = PeriodQuery;
export type ChecksExportQuery = PeriodQuery;

const count = (description: string, example: number) => z.number().int().min(0).meta({ description, example });
const rate = (description: string, example: number) => z.number().min(0).max(1).nullable().meta({ description, example });

export const Money = z.record(z.string(), z.number().int()).meta({
  id: 'MoneyByCurrency',
  description:
    'Amounts in minor units (pence for GBP), by ISO 4217 currency. Amounts in different currencies are never added together; a currency with no checks in the period is left out.',
  example: { GBP: 250000 },
});
export type Money = z.infer<typeof Money>;

export const Figures = z
  .object({
    checks: count('Checks whose basket was captured (`occurredAt`) in the period: one per (storeId, transactionId), however often it was decided again.', 1204),
    checksWithStoredValue: count('Checks whose basket, as last sent, holds stored value (any line that is not merchandise) worth more than 0.', 1198),
    storedValue: Money.meta({ description: 'Stored value in those baskets, as last sent.' }),
    actions: z
      .object(Object.fromEntries(Action.options.map((action) => [action, count(`Checks whose latest decision was \`${action}\`.`, 0)])) as Record<z.infer<typeof Action>, ReturnType<typeof count>>)
      .meta({ description: 'Checks by their latest decision. After answers or a changed basket a check is counted once, under the decision it ended with.' }),
    warned: count('Checks that were prompted, held or refused by any of their decisions, even if a later one allowed them (the colleague still stopped to ask).', 61),
    warnedWithStoredValue: count('Warned checks with stored value: the numerator of promptRate.', 61),
    promptRate: rate('warnedWithStoredValue ÷ checksWithStoredValue: the share of stored-value baskets in which a colleague was asked to intervene. The cost to ordinary shoppers. null when there are no such baskets.', 0.0509),
    outcomes: z
      .object({
        ...(Object.fromEntries(Outcome.options.map((outcome) => [outcome, count(`Checks whose recorded outcome is \`${outcome}\`.`, 0)])) as Record<z.infer<typeof Outcome>, ReturnType<typeof count>>),
        none: count('Checks with no outcome recorded (yet).', 0),
      })
      .meta({ description: 'Checks by the outcome the till recorded. The six counts add up to `checks`.' }),
    warnedWithOutcome: count('Warned checks whose outcome has been recorded: the denominator of stopRate.', 58),
    stops: count('Warned checks whose outcome is `scam_confirmed`, `refused` or `abandoned`: the sale did not go ahead after Vouchsafe intervened.', 9),
    stopRate: rate('stops ÷ warnedWithOutcome: how often an intervention led to a stop. null when no warned check has an outcome.', 0.1552),
    warnedThenSold: count('Warned checks whose outcome is `proceeded` or `proceeded_after_warning`: shoppers who were asked, then bought as planned.', 49),
    valueProtected: Money.meta({
      description:
        'Stored value in baskets whose outcome is `scam_confirmed` or `refused` (whether or not Vouchsafe warned), or `abandoned` after a warning. The basket as last sent, in minor units, by currency.',
    }),
  })
  .meta({ id: 'ReportFigures', description: 'The figures of one report row. Every ratio is computed from the summed counts of the row, never averaged from other rows.' });
export type Figures = z.infer<typeof Figures>;

export const RuleFigures = z
  .object({
    ruleId: z.string().meta({ example: 'older-customer-80-plus' }),
    shadow: z.boolean().meta({ description: 'A shadow rule: recorded, never enforced.', example: false }),
    hits: count('Checks in the period whose latest decision matched the rule.', 37),
    stops: count('Of those, the stops (see ReportFigures.stops).', 4),
    valueProtected: Money.meta({
      description: 'Value protected (see ReportFigures.valueProtected) in the checks the rule matched. A check matched by several rules counts for each, so rows do not add up to the total.',
    }),
  })
  .meta({ id: 'RuleFigures', description: 'How often a rule matched, and what came of it.' });
export type RuleFigures = z.infer<typeof RuleFigures>;

export const Summary = z
  .object({
    from: ReportDate,
    to: ReportDate,
    days: z.number().int().min(1).max(MAX_REPORT_DAYS).meta({ description: 'Days in the period, both ends included.', example: 31 }),
    timeZone: z.string().meta({
      description:
        'The store’s IANA time zone (VOUCHSAFE_TIMEZONE). Days are its calendar days: a check belongs to the date its occurredAt falls on there (its business day), so a day across a clock change is 23 or 25 hours long. Timestamps stay instants in UTC.',
      example: 'Europe/London',
    }),
    storeIds: z.array(StoreId).nullable().meta({ description: 'The stores the figures cover; null: every store.', example: ['herts-stevenage-012'] }),
    generatedAt: Timestamp,
    totals: Figures,
    byDay: z
      .array(Figures.extend({ day: ReportDate }))
      .optional()
      .meta({ description: 'groupBy=day: every day of the period, oldest first, days without checks included as zeros.' }),
    byStore: z
      .array(Figures.extend({ storeId: StoreId, rank: z.number().int().min(1).meta({ example: 1 }) }))
      .optional()
      .meta({ description: 'groupBy=store: stores with checks in the period, ranked by stops, then by checks, then by id.' }),
    byAgeBand: z
      .array(Figures.extend({ ageBand: AgeBand }))
      .optional()
      .meta({ description: 'groupBy=ageBand: every age band, youngest first, `unknown` last, zeros included.' }),
    byLane: z
      .array(Figures.extend({ lane: Lane }))
      .optional()
      .meta({ description: 'groupBy=lane: every lane, zeros included.' }),
    rules: z
      .object({
        byHits: z.array(RuleFigures).meta({ description: 'Enforced rules that matched at least once, most hits first.' }),
        byStops: z.array(RuleFigures).meta({ description: 'Enforced rules with at least one stop, most stops first.' }),
        shadow: z.array(RuleFigures).meta({ description: 'Shadow rules that matched at least once, most hits first: what they would have caught.' }),
      })
      .optional()
      .meta({ description: 'groupBy=rule: the rules matched by each check’s latest decision. Ties are broken by rule id.' }),
    cases: CaseReport.meta({ description: 'Cases opened in the period (by when they opened, in the store’s days), what was lost and frozen, and how fast a freeze was asked for.' }),
  })
  .meta({ id: 'ReportSummary', description: 'What Vouchsafe prevented, where, and at what cost to ordinary shoppers, over a period and a set of stores.' });
export type Summary = z.infer<typeof Summary>;
