import { z } from 'zod';

export const AgeBand = z
  .enum(['under_20', '20_29', '30_39', '40_49', '50_59', '60_69', '70_79', '80_plus', 'unknown'])
  .meta({
    id: 'AgeBand',
    description:
      "The customer's age in the decades used by fraud reporting, as the colleague or the loyalty profile knows it. `unknown` when nobody can say.",
    example: '80_plus',
  });
export type AgeBand = z.infer<typeof AgeBand>;

export const AgeSource = z
  .enum(['staff_estimate', 'id_checked', 'loyalty_profile', 'self_declared', 'unknown'])
  .meta({ id: 'AgeSource', description: 'Where the age band came from.', example: 'staff_estimate' });
export type AgeSource = z.infer<typeof AgeSource>;

export const Lane = z
  .enum(['staffed', 'self_checkout', 'customer_service', 'kiosk'])
  .meta({
    id: 'Lane',
    description:
      'Where the basket is being paid for: a staffed till, a self-checkout (a colleague approves), the customer-service desk, or an unattended kiosk.',
    example: 'staffed',
  });
export type Lane = z.infer<typeof Lane>;

export const LineKind = z
  .enum(['gift_card', 'prepaid_card', 'voucher', 'top_up', 'merchandise'])
  .meta({
    id: 'LineKind',
    description:
      'What a basket line is. Every kind but `merchandise` is stored value: a code that can be read down a phone and spent by someone else.',
    example: 'gift_card',
  });
export type LineKind = z.infer<typeof LineKind>;

export const Tender = z
  .enum(['cash', 'debit', 'credit', 'gift_card', 'mixed', 'unknown'])
  .meta({ id: 'Tender', description: 'How the customer is paying.', example: 'cash' });
export type Tender = z.infer<typeof Tender>;

export const Action = z.enum(['allow', 'prompt', 'hold', 'refuse']).meta({
  id: 'Action',
  description:
    '`allow`: sell as normal. `prompt`: show the script and ask the questions before completing. `hold`: pause the sale and fetch a supervisor. `refuse`: do not sell the stored-value lines.',
  example: 'hold',
});
export type Action = z.infer<typeof Action>;

/** Strength order: the final action is the strongest of the score band and every enforced rule's own action. */
export const ACTION_STRENGTH: Readonly<Record<Action, number>> = { allow: 0, prompt: 1, hold: 2, refuse: 3 };

export function strongerAction(a: Action, b: Action): Action {
  return ACTION_STRENGTH[b] > ACTION_STRENGTH[a] ? b : a;
}

export const Outcome = z
  .enum(['proceeded', 'proceeded_after_warning', 'abandoned', 'scam_confirmed', 'refused'])
  .meta({
    id: 'Outcome',
    description:
      '`proceeded`: sold with no intervention. `proceeded_after_warning`: sold after the prompt was shown. `abandoned`: the customer chose not to buy. `scam_confirmed`: the customer or colleague confirmed a scam. `refused`: the colleague refused the sale.',
    example: 'scam_confirmed',
  });
export type Outcome = z.infer<typeof Outcome>;

export const Role = z.enum(['till', 'supervisor', 'analyst', 'admin', 'processor']).meta({
  id: 'Role',
  description:
    '`till`: sends checks for its own stores. `supervisor`: releases or refuses held sales in its own stores, from a handheld or the till. `analyst`: reads checks, reports and rules. `admin`: everything an analyst can, plus keys, webhooks and publishing rules. `processor`: the retailer\'s card-processor integration: reads checks with the cards sold whole (serials and activation ids, which every other role but admin sees masked).',
  example: 'till',
});
export type Role = z.infer<typeof Role>;

export const KeyMode = z.enum(['live', 'test']).meta({
  id: 'KeyMode',
  description:
    'live: real sales. test: integration traffic, decided exactly as live but never in reports, history, shadow counts or back-tests, and deleted after 7 days. Test keys start `vsk_test_`. Test and live are two worlds: a test key sees and changes only test checks, holds, keys and webhooks, a live key only live ones (an id of the other world is 404); reports, the dashboard, shadow counts, back-tests, rule changes and the audit log are for live keys only (403 `live_key_required`).',
});
export type KeyMode = z.infer<typeof KeyMode>;

export const ReviewStatus = z.enum(['open', 'released', 'refused', 'expired']).meta({
  id: 'ReviewStatus',
  description:
    '`open`: the sale waits for a supervisor. `released`: a supervisor let it go ahead. `refused`: a supervisor refused it, a later decision refused it, or the customer left. `expired`: nobody decided by the deadline, which counts as refused.',
  example: 'open',
});
export type ReviewStatus = z.infer<typeof ReviewStatus>;
