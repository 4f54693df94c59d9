import type { NextStep, Prompt } from '../../../src/contract/decision.js';

export const FALLBACK_VERSION = 'offline-fallback';
export const FALLBACK_LOCALE = 'en-GB';

/** The police's own advice, as the rule set's standing advice says it (Report Fraud, formerly Action Fraud). */
const FALLBACK_ADVICE = [
  { text: 'HMRC, the police, banks and BT never ask to be paid in gift cards.', messageId: 'fallback.advice.1' },
  { text: 'If someone on the phone is telling them what to buy, suggest they hang up and wait five minutes.', messageId: 'fallback.advice.2' },
  { text: 'Report scams to Report Fraud on 0300 123 2040 or at reportfraud.police.uk. In an emergency, call 999.', messageId: 'fallback.advice.3' },
];

/**
 * What the colleague sees when the till can reach neither the service nor a rule set it can run:
 * never "allow". Built in, so it needs nothing that could be missing.
 */
export const FALLBACK_PROMPT: Prompt = {
  id: 'offline-fallback',
  locale: FALLBACK_LOCALE,
  headline: 'A quick check on gift cards',
  say: 'Sorry to hold you up. Has anyone asked you to buy these, or to read out the numbers on the back?',
  messageIds: { headline: 'fallback.headline', say: 'fallback.say' },
  questions: [],
  advice: FALLBACK_ADVICE,
};

/** The till cannot check the sale: the colleague decides, and never sells to someone being told what to buy. */
export const FALLBACK_NEXT: NextStep = {
  step: 'ask',
  say: 'The till can’t check this sale. If anyone asked them to buy these, do not sell. Call a supervisor.',
  messageId: 'fallback.next',
};

export const FALLBACK_REASON = {
  ruleId: 'offline-fallback',
  message: 'The till could not reach Vouchsafe or run its rules, so it asks before every gift-card sale',
  messageId: 'reason.offline-fallback',
};

/** The refusal script, for a hold that ends unreleased when no rule set can run. */
export const FALLBACK_REFUSAL: Prompt = {
  id: 'offline-refusal',
  locale: FALLBACK_LOCALE,
  headline: 'Do not sell these gift cards',
  say: "I'm sorry, I can't sell these today. Nobody genuine asks to be paid in gift cards.",
  messageIds: { headline: 'fallback.refusal.headline', say: 'fallback.refusal.say' },
  questions: [],
  advice: FALLBACK_ADVICE,
};
