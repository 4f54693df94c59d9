import { z } from 'zod';
import { AreaFacts } from './area.js';
import { Signals } from './check.js';
import { AgeBand, AgeSource, Lane, LineKind, Tender } from './enums.js';
import { ValueBand } from './exchange.js';

/**
 * The facts a rule's `when` can read. This schema is the one source for the CEL type declarations
 * (so a misspelt field fails the rule set at load), for the facts reference in `GET /v1/rules`, and
 * for the TypeScript type of the facts the engine derives.
 *
 * `answers.<questionId>` (string, "" until answered) and `lists.<name>` (list of strings) are added
 * per rule set, from its prompts' questions and its `lists:`.
 */

const amount = (description: string) => z.number().int().describe(`${description} (minor units)`);
const count = (description: string) => z.number().int().describe(description);

export const HistoryWindowFacts = z.object({
  storedValue: amount('Stored value in this customer’s earlier checks in the window, in any store'),
  checks: count('Number of this customer’s earlier checks with stored value in the window'),
  stores: count('Number of distinct stores, other than this one, where this customer had a check in the window'),
  prompted: count('Number of this customer’s earlier checks in the window that were prompted, held or refused'),
});
export type HistoryWindowFacts = z.infer<typeof HistoryWindowFacts>;

export const FamilyWindowFacts = z.object({
  checks: count('Number of this customer’s earlier checks in the window whose gift cards are of this basket’s brand family'),
  days: count('Number of distinct business days among those checks'),
  storedValue: amount('Stored value in those checks'),
});
export type FamilyWindowFacts = z.infer<typeof FamilyWindowFacts>;

export const HistoryFacts = z
  .object({
    h1: HistoryWindowFacts.describe('The hour before this check'),
    h24: HistoryWindowFacts.describe('The 24 hours before this check'),
    d30: HistoryWindowFacts.describe('The 30 days before this check'),
    sameFamily: z
      .object({
        d7: FamilyWindowFacts.describe('The 7 days before this check'),
        d30: FamilyWindowFacts.describe('The 30 days before this check'),
      })
      .describe(
        'Visits, not money: earlier checks whose gift cards are of the same brand family as this basket’s (`giftCards.family`), and on how many days, so small purchases repeated week after week are seen',
      ),
  })
  .describe(
    'Earlier checks by the same customer (linked by a keyed hash of the loyalty id or payment token), counted back from this check’s occurredAt. All zero when the customer is not identified.',
  );
export type HistoryFacts = z.infer<typeof HistoryFacts>;

export const CustomerTotalFacts = z
  .object({
    h1: amount('This basket’s stored value without top-ups, plus the customer’s earlier stored value in the hour before'),
    h24: amount('This basket’s stored value without top-ups, plus the customer’s earlier stored value in the 24 hours before'),
    d30: amount('This basket’s stored value without top-ups, plus the customer’s earlier stored value in the 30 days before'),
  })
  .describe(
    'What the customer is buying counted per person, not per basket: this basket (`giftCards.withoutTopUps`) plus their earlier checks at any till or store (`history.*.storedValue`). The basket alone when the customer is not identified: cash cannot be linked.',
  );
export type CustomerTotalFacts = z.infer<typeof CustomerTotalFacts>;

/** Minutes reported when the exchange saw nothing: the whole window, so `minutesSince <= n` never matches on nothing. */
export const NETWORK_WINDOW_MINUTES = 24 * 60;

export const NetworkFacts = z
  .object({
    answered: z.boolean().describe('The retailers’ exchange answered within its timeout (false when none is configured, it was slow or down, or there was no payment token)'),
    otherRetailersToday: count('Other retailers (members of the exchange) where this payment card bought stored value in the last 24 hours'),
    valueBand: z.enum([...ValueBand.options, 'none']).describe('The largest stored-value band among those purchases; `none` when there were none'),
    minutesSince: count('Minutes since the latest of those purchases; 1440 (the whole window) when there were none'),
  })
  .describe(
    'What the exchange between retailers knows about this payment card at other retailers, linked through an oblivious PRF so no retailer learns about a card the others have not seen (docs/exchange.md). All zero / `none` when the exchange did not answer in time.',
  );
export type NetworkFacts = z.infer<typeof NetworkFacts>;

export const StaticFacts = z.object({
  basket: z
    .object({
      total: amount('Value of every line in the basket'),
      lineCount: count('Number of lines in the basket'),
      storedValueShare: z.number().describe('Share of the basket’s value that is stored value, from 0.0 to 1.0'),
      currency: z.string().describe('ISO 4217 currency of the basket'),
    })
    .describe('The whole basket'),
  giftCards: z
    .object({
      total: amount('Value of the stored-value lines: gift cards, prepaid cards, vouchers and top-ups'),
      withoutTopUps: amount('Value of the gift-card, prepaid-card and voucher lines: `total` without mobile top-ups'),
      count: count('Number of stored-value cards or codes (sum of quantities)'),
      lines: count('Number of stored-value lines'),
      brands: z.array(z.string()).describe('Distinct brands among the stored-value lines (`unknown` where the till sent none)'),
      brandCount: count('Number of distinct brands'),
      sameBrandCount: count('Most cards of any one named brand (lines without a brand are not counted as one brand)'),
      largest: amount('Largest single card or code value'),
      roundAmounts: z
        .boolean()
        .describe('Every stored-value card is a whole multiple of 50 in the major unit (£50, £100, £500…)'),
      kinds: z.array(LineKind).describe('Distinct stored-value line kinds'),
      family: z
        .string()
        .describe(
          'Brand family of the gift cards with the most value: `app_store` (Apple, Google Play), `games` (Steam, Xbox, PlayStation…), `marketplace` (Amazon, eBay), `payment_voucher` (paysafecard…), else the brand itself; "" without a named gift card',
        ),
    })
    .describe('The stored-value lines'),
  tender: Tender.describe('How the customer is paying'),
  lane: Lane.describe('Where the basket is being paid for'),
  customer: z
    .object({
      ageBand: AgeBand.describe('Age band'),
      ageSource: AgeSource.describe('Where the age band came from'),
      ageAtLeast: count('Lower bound of the age band in years (80 for 80_plus); 0 when unknown'),
      identified: z.boolean().describe('A loyalty id or payment token was sent, so history is known'),
    })
    .describe('The customer'),
  signals: Signals,
  history: HistoryFacts,
  customerTotal: CustomerTotalFacts,
  area: AreaFacts,
  network: NetworkFacts,
});
export type StaticFacts = z.infer<typeof StaticFacts>;

export type Facts = StaticFacts & {
  answers: Record<string, string>;
  lists: Record<string, readonly string[]>;
};

export const FactReference = z
  .object({
    path: z.string().meta({ example: 'giftCards.total' }),
    type: z.string().meta({ description: 'The CEL type.', example: 'int' }),
    description: z.string(),
    values: z.array(z.string()).optional().meta({ description: 'The closed set of values, for enumerations.' }),
  })
  .meta({ id: 'FactReference', description: 'A fact a rule condition can read.' });
export type FactReference = z.infer<typeof FactReference>;
