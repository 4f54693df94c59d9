import type { Prompt } from '../../../src/contract/decision.js';

export const FALLBACK_VERSION = 'offline-fallback';

/**
 * What the colleague sees when the till can reach neither the service nor a rule set it can run:
 * never "allow". Built in, so it needs nothing that could be missing; the police's own advice.
 */
export const FALLBACK_PROMPT: Prompt = {
  id: 'offline-fallback',
  title: 'A quick check before selling gift cards',
  say: 'Before I put these through, can I ask you something we ask everyone buying gift cards? Has anyone asked you to buy them, or to pay someone with them, or to read out the codes?',
  questions: [],
  advice: [
    'HMRC, the police, banks and BT never ask to be paid in gift cards.',
    'If someone is on the phone telling them what to do, suggest they hang up. Wait at least five minutes, or use a different phone, before calling anyone back.',
    'Scams can be reported to the police on 101 or to Action Fraud on 0300 123 2040. In an emergency, call 999.',
  ],
  nextStep: 'The till cannot check this sale right now. If anyone has asked the customer to buy these, or for the codes, do not sell them and call a supervisor.',
};

export const FALLBACK_REASON = {
  ruleId: 'offline-fallback',
  message: 'The till could not reach Vouchsafe or run its rules, so it asks before every gift-card sale',
};

/** The refusal script, for a hold that ends unreleased when no rule set can run. */
export const FALLBACK_REFUSAL: Prompt = {
  id: 'offline-refusal',
  title: 'Do not sell these gift cards',
  say: "I'm sorry, I can't sell these gift cards today. Nobody genuine asks to be paid in gift cards. If you've already bought some, please don't read out or send the codes.",
  questions: [],
  advice: FALLBACK_PROMPT.advice,
  nextStep: 'Do not sell the gift cards. Remove them from the sale, call a supervisor and record what happened.',
};
