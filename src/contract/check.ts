import { z } from 'zod';
import { Currency, Identifier, MinorUnits, StoreId, Text, TillId, TillTimestamp } from './common.js';
import { Action, AgeBand, AgeSource, Lane, LineKind, Tender } from './enums.js';

export const MAX_LINES = 500;
export const MAX_QUANTITY = 999;

export const Brand = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .transform((brand) => brand.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, ''))
  .pipe(z.string().min(1, 'A brand needs at least one letter or digit'))
  .meta({
    description:
      'The card brand, folded to lower case with other characters as `_` ("Google Play" becomes `google_play`), so rules can name it.',
    example: 'apple',
  });

export const CheckLine = z
  .strictObject({
    sku: Text().min(1).max(64).optional().meta({ description: 'The product code.', example: '5055555500001' }),
    description: Text()
      .max(200)
      .optional()
      .meta({ description: 'What the till calls the product.', example: 'Apple Gift Card' }),
    kind: LineKind,
    brand: Brand.optional(),
    unitAmount: MinorUnits.meta({
      description: 'Price of one unit, or the value loaded onto one card, in minor units.',
      example: 10000,
    }),
    quantity: z.number().int().min(1).max(MAX_QUANTITY).default(1).meta({ description: 'How many.', example: 5 }),
  })
  .meta({ id: 'CheckLine', description: 'One line of the basket.' });
export type CheckLine = z.infer<typeof CheckLine>;

export const Customer = z
  .strictObject({
    ageBand: AgeBand.default('unknown'),
    ageSource: AgeSource.default('unknown'),
    loyaltyId: Text().trim().min(1).max(64).optional().meta({
      description:
        'Loyalty card number. Never stored: the service keeps only a keyed hash, to link one person’s purchases across stores.',
      example: '634004000123456',
    }),
    paymentToken: Text().trim().min(1).max(128).optional().meta({
      description:
        'The payment terminal’s token for the card (never the card number). Kept only as a keyed hash, like the loyalty id.',
      example: 'tok_8f14e45fceea167a',
    }),
  })
  .meta({ id: 'Customer', description: 'What the till knows about the customer.' });
export type Customer = z.infer<typeof Customer>;

const signal = (description: string) => z.boolean().default(false).meta({ description, example: false });

export const Signals = z
  .strictObject({
    phoneInUse: signal('The customer is on the phone while buying.'),
    beingInstructed: signal('Someone (on the phone, by message, or beside them) is telling the customer what to buy.'),
    distressed: signal('The customer seems anxious, frightened, upset or rushed.'),
    askedAboutCodes: signal('The customer asked how to read out, photograph or send the codes.'),
    unfamiliarWithCards: signal('The customer does not seem to know what the cards are for or how they are used.'),
    mentionedPayment: signal('The customer said the cards are to pay a bill, tax, a fine, a fee or a debt.'),
  })
  .meta({
    id: 'Signals',
    description: 'What the colleague can see. Every signal defaults to false; send the ones the till lets the colleague tick.',
  });
export type Signals = z.infer<typeof Signals>;

export const OfflineDecision = z
  .strictObject({
    action: Action.meta({ description: 'The action the till showed.' }),
    ruleSetVersion: Text().min(1).max(64).meta({
      description: 'The rule set the till decided with, or `offline-fallback` when it could not run one.',
      example: 'sha-498c7cc2fc76c540',
    }),
    decidedAt: TillTimestamp.meta({ description: 'When the till decided, by the till’s clock.' }),
  })
  .meta({
    id: 'OfflineDecision',
    description:
      'What the till decided on its own when the service did not answer in time. The till SDK sets it when it replays a check decided offline; the service records it with the check and decides again as usual.',
  });
export type OfflineDecision = z.infer<typeof OfflineDecision>;

export const CheckRequest = z
  .strictObject({
    storeId: StoreId,
    tillId: TillId,
    lane: Lane.default('staffed'),
    transactionId: Identifier(
      'The till’s own id for this transaction. Sending the same (storeId, transactionId) again updates the same check.',
      'T04-20171030-00123',
      128,
    ),
    occurredAt: TillTimestamp.optional().meta({
      description:
        'When the till captured the basket, by the till’s clock; reports and exports file the check under it. Defaults to when the service received it. At most a day ahead of the service’s clock. History windows count on the service’s receive time, so a till clock that is out never hides earlier checks; an offline replay (with `offlineDecision`) sits in history at this time, within seven days of its arrival.',
      example: '2017-10-30T10:15:00.000Z',
    }),
    currency: Currency,
    lines: z
      .array(CheckLine)
      .min(1)
      .max(MAX_LINES)
      .meta({ description: 'The basket. Merchandise lines may be left out, but sending them lets rules see what share is stored value.' }),
    tender: Tender.default('unknown'),
    customer: Customer.default({ ageBand: 'unknown', ageSource: 'unknown' }),
    signals: Signals.default({
      phoneInUse: false,
      beingInstructed: false,
      distressed: false,
      askedAboutCodes: false,
      unfamiliarWithCards: false,
      mentionedPayment: false,
    }),
    offlineDecision: OfflineDecision.optional(),
    locale: z
      .string()
      .max(35)
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'A BCP 47 language tag, like cy-GB or en-US')
      .optional()
      .meta({
        description:
          'The language the colleague reads (BCP 47). Without it, the store’s language (`GET /v1/stores`); for a store the registry lacks, the request’s `Accept-Language`; without that, the rule set’s default. The closest language the rule set has is used (`cy` gets `cy-GB`); the decision’s `locale` says which.',
        example: 'cy-GB',
      }),
  })
  .meta({
    id: 'CheckRequest',
    description: 'A basket to decide on, sent when the first stored-value line is scanned and again whenever it changes.',
    example: {
      storeId: 'herts-stevenage-012',
      tillId: 'T04',
      lane: 'staffed',
      transactionId: 'T04-20171030-00123',
      currency: 'GBP',
      lines: [
        { sku: '5055555500001', description: 'Apple Gift Card', kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 5 },
        { sku: '5000000000017', description: 'Semi-skimmed milk 2L', kind: 'merchandise', unitAmount: 155, quantity: 1 },
      ],
      tender: 'cash',
      customer: { ageBand: '80_plus', ageSource: 'staff_estimate', loyaltyId: '634004000123456' },
      signals: { phoneInUse: true, beingInstructed: true, distressed: false, askedAboutCodes: false },
    },
  });
/** A check as the till writes it (defaults not yet applied). */
export type CheckInput = z.input<typeof CheckRequest>;
/** A check after validation, every default applied. */
export type CheckRequest = z.infer<typeof CheckRequest>;
