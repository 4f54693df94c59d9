import fc from 'fast-check';
import { CheckRequest } from '../../../src/contract/check.js';
import type { OutboxEntry } from '../../../sdk/src/outbox/entry.js';

const id = (prefix: string) => fc.stringMatching(/^[0-9a-z]{26}$/).map((tail) => `${prefix}_${tail}`);
const token = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,20}$/);

/** A valid check body as the client stores it: parsed, every default applied. */
export const checkBody = fc
  .record({
    storeId: token,
    tillId: token,
    transactionId: token,
    currency: fc.constantFrom('GBP', 'EUR', 'JPY'),
    occurredAt: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    lines: fc.array(
      fc.record({
        kind: fc.constantFrom('gift_card', 'prepaid_card', 'voucher', 'top_up', 'merchandise'),
        brand: fc.option(fc.constantFrom('apple', 'iTunes', 'Google Play', 'steam'), { nil: undefined }),
        unitAmount: fc.nat({ max: 10_000_000 }),
        quantity: fc.integer({ min: 1, max: 999 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    customer: fc.record({
      ageBand: fc.constantFrom('80_plus', '60_69', 'unknown'),
      loyaltyId: fc.option(fc.stringMatching(/^\d{6,16}$/), { nil: undefined }),
    }),
    signals: fc.record({ phoneInUse: fc.boolean(), distressed: fc.boolean() }),
    offlineDecision: fc.option(
      fc.record({ action: fc.constantFrom('allow', 'prompt', 'hold', 'refuse'), ruleSetVersion: token, decidedAt: fc.constant('2026-11-25T10:00:00.000Z') }),
      { nil: undefined },
    ),
  })
  .map((raw) => CheckRequest.parse(JSON.parse(JSON.stringify(raw))));

/** Any entry the outbox may hold. */
export const outboxEntry: fc.Arbitrary<OutboxEntry> = fc.oneof(
  fc.record({
    v: fc.constant(1 as const),
    id: id('obx'),
    enqueuedAt: fc.nat(),
    kind: fc.constant('check' as const),
    transactionId: token,
    checkRef: fc.oneof(id('local'), id('chk')),
    body: checkBody,
  }),
  fc.record({
    v: fc.constant(1 as const),
    id: id('obx'),
    enqueuedAt: fc.nat(),
    kind: fc.constant('answers' as const),
    checkRef: fc.oneof(id('local'), id('chk')),
    body: fc.record({ answers: fc.dictionary(fc.constantFrom('purpose', 'someoneAskedYouToBuy'), fc.constantFrom('yes', 'no', 'gift'), { minKeys: 1 }) }),
  }),
  fc.record({
    v: fc.constant(1 as const),
    id: id('obx'),
    enqueuedAt: fc.nat(),
    kind: fc.constant('outcome' as const),
    transactionId: token,
    checkRef: fc.oneof(id('local'), id('chk')),
    body: fc.record({
      outcome: fc.constantFrom('proceeded', 'proceeded_after_warning', 'abandoned', 'scam_confirmed', 'refused'),
      policeReference: fc.option(fc.stringMatching(/^NFRC\d{6,12}$/), { nil: undefined }),
    }),
  }),
).map((entry) => JSON.parse(JSON.stringify(entry)) as OutboxEntry);

/** A basket like the ones tills send: card values and counts shoppers (and scammers) buy. */
export const tillCheck = fc
  .record({
    lines: fc.array(
      fc.record({
        kind: fc.constantFrom('gift_card', 'top_up', 'merchandise'),
        brand: fc.constantFrom('apple', 'itunes', 'amazon', 'costa', 'boots'),
        unitAmount: fc.constantFrom(1000, 2000, 2500, 5000, 10000, 20000),
        quantity: fc.integer({ min: 1, max: 10 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    tender: fc.constantFrom('cash', 'debit', 'gift_card'),
    customer: fc.record({
      ageBand: fc.constantFrom('80_plus', '70_79', '60_69', '40_49', 'unknown'),
      loyaltyId: fc.constant('634004000123456'),
    }),
    signals: fc.record({ phoneInUse: fc.boolean(), beingInstructed: fc.boolean(), distressed: fc.boolean() }),
  })
  .map((raw) => CheckRequest.parse({ storeId: 'S1', tillId: 'T1', transactionId: 'X1', currency: 'GBP', ...raw }));
