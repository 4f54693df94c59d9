import { z } from 'zod';
import { StoreId, Timestamp } from './common.js';
import { MAX_REPORT_DAYS, Money, ReportDate } from './reports.js';

const count = (description: string, example: number) => z.number().int().min(0).meta({ description, example });
const seconds = (description: string, example: number) => z.number().min(0).nullable().meta({ description, example });

export const HoldFigures = z
  .object({
    opened: count('Checks held in the period: each opened one review.', 42),
    open: count('Of those, still waiting for a supervisor now.', 1),
    released: count('Released by a supervisor: the sale could go ahead.', 25),
    refused: count('Refused: by a supervisor, by a later decision (the customer’s answers), or because the sale did not go ahead.', 12),
    refusedBySupervisor: count('Of the refused, refused by a supervisor.', 8),
    expired: count('Nobody decided by the deadline: refused for the sale. Many of these mean supervisors are too far from the tills.', 4),
    timeToSupervisor: z
      .object({
        decisions: count('Holds a supervisor released or refused: the ones timed here.', 33),
        medianSeconds: seconds('Half of the supervisors’ decisions came within this many seconds of the hold. null with no decisions.', 95),
        p90Seconds: seconds('Nine in ten came within this many seconds. null with no decisions.', 240),
      })
      .meta({ description: 'How long a held customer waited for a supervisor’s decision.' }),
    releasedValue: Money.meta({ description: 'Stored value in the released holds.' }),
    releasedThenScam: count(
      'Released holds that later proved to be scams: the check’s own outcome is `scam_confirmed`, or the same customer (by loyalty id or card token) had a confirmed scam within 30 days after it. The costly mistakes.',
      1,
    ),
    releasedThenScamValue: Money.meta({ description: 'Stored value in those released holds.' }),
  })
  .meta({ id: 'HoldFigures', description: 'What became of the holds of a period.' });
export type HoldFigures = z.infer<typeof HoldFigures>;

export const HoldsReport = z
  .object({
    from: ReportDate,
    to: ReportDate,
    days: z.number().int().min(1).max(MAX_REPORT_DAYS),
    timeZone: z.string().meta({
      description: 'The store’s IANA time zone (VOUCHSAFE_TIMEZONE): a hold belongs to the calendar day there on which it was opened.',
      example: 'Europe/London',
    }),
    storeIds: z.array(StoreId).nullable().meta({ description: 'The stores the figures cover; null: every store.' }),
    generatedAt: Timestamp,
    openNow: z
      .object({
        count: count('Holds waiting for a supervisor right now, whenever they were opened.', 2),
        oldestOpenedAt: Timestamp.nullable().meta({ description: 'When the longest-waiting one was held.' }),
      })
      .meta({ description: 'Open holds now, in these stores.' }),
    totals: HoldFigures,
    byStore: z
      .array(HoldFigures.extend({ storeId: StoreId }))
      .meta({ description: 'Stores with holds in the period, most costly mistakes first, then most expired, then most holds, then by id.' }),
    byDay: z
      .array(
        z.object({
          day: ReportDate,
          opened: z.number().int(),
          released: z.number().int(),
          refused: z.number().int(),
          expired: z.number().int(),
          open: z.number().int(),
        }),
      )
      .meta({ description: 'Every day of the period, oldest first, zeros included: the trend.' }),
  })
  .meta({ id: 'HoldsReport', description: 'Holds opened, released, refused and expired, how long supervisors took, and the releases that proved costly.' });
export type HoldsReport = z.infer<typeof HoldsReport>;
