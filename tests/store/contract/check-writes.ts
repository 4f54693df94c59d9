import { CheckRequest } from '../../../src/contract/check.js';
import type { Prompt, Reason } from '../../../src/contract/decision.js';
import type { CheckWrite, EvaluationRow, Store } from '../../../src/store/index.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A Monday morning in London: every check in these suites is placed relative to it. */
export const T0 = Date.UTC(2026, 0, 5, 10);

const NO_HISTORY = {
  h1: { storedValue: 0, checks: 0, stores: 0, prompted: 0 },
  h24: { storedValue: 0, checks: 0, stores: 0, prompted: 0 },
  d30: { storedValue: 0, checks: 0, stores: 0, prompted: 0 },
  sameFamily: { d7: { checks: 0, days: 0, storedValue: 0 }, d30: { checks: 0, days: 0, storedValue: 0 } },
};

export interface Shape {
  id: string;
  storeId?: string;
  transactionId?: string;
  businessDay?: string;
  at?: number;
  /** Where the check sits in history, when not at its receipt. */
  historyAt?: number;
  livemode?: boolean;
  storedValue?: number;
  /** The gift card's brand (folded); Apple by default. */
  brand?: string;
  identities?: readonly string[] | undefined;
  revision?: number;
  fingerprint?: string;
  action?: EvaluationRow['action'];
  reasons?: readonly string[];
  shadowReasons?: readonly string[];
  prompt?: boolean;
}

const PROMPT: Prompt = {
  id: 'paying-someone',
  locale: 'en-GB',
  headline: 'A quick check on gift cards',
  say: 'Has anyone asked you to buy these to pay a bill?',
  messageIds: { headline: 'prompt.paying-someone.headline', say: 'prompt.paying-someone.say' },
  questions: [],
  advice: [{ text: 'HMRC, the police, banks and BT never ask to be paid in gift cards.', messageId: 'advice.never-paid-in-gift-cards' }],
};

const reason = (ruleId: string): Reason => ({ ruleId, message: `${ruleId} matched`, messageId: `reason.${ruleId}` });

/** What the domain would write for one decision on a check, with only the facts a suite cares about varied. */
export function checkWrite(shape: Shape): CheckWrite {
  const at = shape.at ?? T0;
  const storedValue = shape.storedValue ?? 10_000;
  const revision = shape.revision ?? 1;
  const action = shape.action ?? 'allow';
  const storeId = shape.storeId ?? 'store-1';
  const transactionId = shape.transactionId ?? `txn-${shape.id}`;
  return {
    id: shape.id,
    storeId,
    tillId: 'T04',
    transactionId,
    businessDay: shape.businessDay ?? new Date(at).toISOString().slice(0, 10),
    livemode: shape.livemode ?? true,
    occurredAt: at,
    receivedAt: at,
    historyAt: shape.historyAt ?? at,
    keyId: 'key-till',
    requestFingerprint: shape.fingerprint ?? `fp-${shape.id}-${revision}`,
    identified: (shape.identities?.length ?? 0) > 0,
    totals: { basket: storedValue + 250, storedValue, storedValueUnits: storedValue === 0 ? 0 : 1 },
    identities: shape.identities,
    evaluation: {
      revision,
      trigger: revision === 1 ? 'check' : 'basket_changed',
      evaluatedAt: at + revision,
      request: CheckRequest.parse({
        storeId,
        tillId: 'T04',
        transactionId,
        occurredAt: new Date(at).toISOString(),
        currency: 'GBP',
        lines: [{ description: 'Gift Card', kind: 'gift_card', brand: shape.brand ?? 'apple', unitAmount: storedValue, quantity: 1 }],
        tender: 'cash',
        customer: { ageBand: '80_plus', ageSource: 'staff_estimate' },
      }),
      answers: revision === 1 ? {} : { 'paying-someone': 'no' },
      history: NO_HISTORY,
      action,
      score: action === 'allow' ? 10 : 70,
      reasons: (shape.reasons ?? []).map(reason),
      shadowReasons: (shape.shadowReasons ?? []).map(reason),
      promptId: shape.prompt ? 'paying-someone' : null,
      prompt: shape.prompt ? PROMPT : null,
      ruleSetVersion: '2026-01-01.1',
    },
  };
}

/** Saves `writes` in one transaction, in order, as the domain would one decision at a time. */
export const save = (store: Store, ...writes: CheckWrite[]) =>
  store.transaction(async (tx) => {
    for (const write of writes) await tx.checks.save(write);
  });
