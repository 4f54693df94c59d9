import { z } from 'zod';
import { CaseId, CaseOpenedReason, EscalationStep } from './cases.js';
import { CheckId, isKeepableText, StoreId, Text, Timestamp } from './common.js';
import { Action, Outcome, ReviewStatus, Role } from './enums.js';
import { ReviewCloser } from './review-state.js';

export const WebhookEventType = z
  .enum(['check.held', 'check.refused', 'review.closed', 'outcome.recorded', 'rule_set.published', 'key.revoked', 'case.opened', 'case.escalated', 'cards.freeze_requested'])
  .meta({
    id: 'WebhookEventType',
    description:
      '`check.held`: a check was held for a supervisor. `check.refused`: a check was decided `refuse`. `review.closed`: a hold was released, refused or expired. `outcome.recorded`: the till recorded what happened. `rule_set.published`: a rule set version became active. `key.revoked`: an API key was revoked. `case.opened`: a case opened on a check (a confirmed scam, a refused hold, a report afterwards or an escalation). `case.escalated`: a colleague escalated (called the police, the bank via 159, the family, the card issuer). `cards.freeze_requested`: a case opened on a sale whose cards were captured: freeze them (the only event that carries serials whole; subscribe only the processor integration to it).',
    example: 'check.held',
  });
export type WebhookEventType = z.infer<typeof WebhookEventType>;

export const WebhookId = z
  .string()
  .regex(/^whk_[0-9a-z]{10,40}$/, 'Not a webhook id')
  .meta({ id: 'WebhookId', example: 'whk_01jd0q9w4v2s3k6m8n0p' });
export const DeliveryId = z
  .string()
  .regex(/^dlv_[0-9a-z]{10,40}$/, 'Not a delivery id')
  .meta({ id: 'DeliveryId', example: 'dlv_01jd0q9w4v2s3k6m8n0p' });

// What the receivers are told. Ids, stores, actions, values and rule ids only: never a loyalty id, a
// payment token, or free text a colleague typed (fetch the check with an API key for that).

const checkFields = {
  checkId: CheckId,
  storeId: StoreId,
  tillId: z.string(),
  transactionId: z.string(),
  action: Action.meta({ description: 'The check’s decision now.' }),
  currency: z.string().meta({ example: 'GBP' }),
  storedValue: z.number().int().meta({ description: 'Value of the stored-value lines, minor units.', example: 50000 }),
  ruleIds: z.array(z.string()).meta({ description: 'The rules the decision matched, strongest first.', example: ['older-customer-high-value'] }),
  livemode: z.boolean().meta({
    description: 'false for a check sent with a test-mode key (`vsk_test_…`): integration traffic, never a sale. A webhook receives only its own world’s events, so a live webhook only ever sees `true` here and a test webhook `false`.',
    example: true,
  }),
};

export const CheckEventData = z
  .object({
    ...checkFields,
    ruleSetVersion: z.string(),
    revision: z.number().int().min(1),
    occurredAt: Timestamp.meta({ description: 'When the till captured the basket.' }),
    deadline: Timestamp.optional().meta({ description: '`check.held`: when the hold expires unless a supervisor decides.' }),
  })
  .meta({ id: 'CheckEventData', description: 'The data of `check.held` and `check.refused`.' });
export type CheckEventData = z.infer<typeof CheckEventData>;

export const ReviewClosedData = z
  .object({
    ...checkFields,
    status: ReviewStatus.exclude(['open']),
    openedAt: Timestamp,
    deadline: Timestamp,
    closedAt: Timestamp,
    closedBy: ReviewCloser,
    supervisorRef: z.string().nullable().meta({ description: 'The supervisor’s reference, when a supervisor decided.' }),
  })
  .meta({ id: 'ReviewClosedData', description: 'The data of `review.closed`.' });
export type ReviewClosedData = z.infer<typeof ReviewClosedData>;

export const OutcomeRecordedData = z
  .object({
    ...checkFields,
    outcome: Outcome,
    recordedAt: Timestamp,
    review: ReviewStatus.nullable().meta({ description: 'Where the check’s review stood, if it was held.' }),
    policeReference: z.string().optional(),
  })
  .meta({ id: 'OutcomeRecordedData', description: 'The data of `outcome.recorded`.' });
export type OutcomeRecordedData = z.infer<typeof OutcomeRecordedData>;

export const RuleSetPublishedData = z
  .object({
    version: z.string(),
    previousVersion: z.string(),
    how: z.enum(['published', 'approved', 'rolled_back']).meta({ description: 'Published at once, approved by a second admin, or rolled back to.' }),
    by: z.string().meta({ description: 'The key id of the admin.' }),
    rules: z.number().int(),
  })
  .meta({ id: 'RuleSetPublishedData', description: 'The data of `rule_set.published`.' });
export type RuleSetPublishedData = z.infer<typeof RuleSetPublishedData>;

export const KeyRevokedData = z
  .object({
    keyId: z.string(),
    role: Role,
    storeIds: z.array(z.string()).nullable(),
    by: z.string().meta({ description: 'The key id of the admin who revoked it.' }),
  })
  .meta({ id: 'KeyRevokedData', description: 'The data of `key.revoked`.' });
export type KeyRevokedData = z.infer<typeof KeyRevokedData>;

export const CaseOpenedData = z
  .object({
    ...checkFields,
    caseId: CaseId,
    openedReason: CaseOpenedReason,
    openedAt: Timestamp,
  })
  .meta({ id: 'CaseOpenedData', description: 'The data of `case.opened`. Fetch the case (`GET /v1/cases/{caseId}`) with an analyst key for its timeline.' });
export type CaseOpenedData = z.infer<typeof CaseOpenedData>;

export const CaseEscalatedData = z
  .object({
    ...checkFields,
    caseId: CaseId,
    escalationId: z.string().meta({ example: 'esc_01jd0q9w4v2s3k6m8n0p' }),
    step: EscalationStep,
    by: z.string().meta({ description: 'The colleague or supervisor, as the store knows them.', example: 'S0042' }),
    at: Timestamp.meta({ description: 'When it was done.' }),
  })
  .meta({ id: 'CaseEscalatedData', description: 'The data of `case.escalated`: sent at once, for loss prevention to follow up.' });
export type CaseEscalatedData = z.infer<typeof CaseEscalatedData>;

export const FreezeRequestedCard = z
  .object({
    cardId: z.string().meta({ description: 'What the processor’s result names (`POST /v1/cases/{caseId}/freeze-results`).', example: 'card_01m888psdy7yqz3cp2mv2b0bjm' }),
    brand: z.string().meta({ example: 'apple' }),
    amount: z.number().int().meta({ description: 'The value loaded, minor units of `currency`.', example: 10000 }),
    serial: z.string().optional().meta({ description: 'The card’s serial, whole.', example: '6039531234567890' }),
    activationId: z.string().optional().meta({ description: 'The processor’s activation id, whole.' }),
  })
  .meta({ id: 'FreezeRequestedCard' });

export const CardsFreezeRequestedData = z
  .object({
    ...checkFields,
    caseId: CaseId,
    soldAt: Timestamp.meta({ description: 'When the sale’s outcome was recorded: the cards were activated about then.' }),
    requestedAt: Timestamp,
    cards: z.array(FreezeRequestedCard).min(1),
  })
  .meta({
    id: 'CardsFreezeRequestedData',
    description:
      'The data of `cards.freeze_requested`: the cards of a sale now seen as a scam, for the processor integration to freeze (InComm, Blackhawk, ePay and the like take freeze requests through their own APIs). Answer per card with a `processor` key: `POST /v1/cases/{caseId}/freeze-results`. Serials are whole here and nowhere else the service sends.',
  });
export type CardsFreezeRequestedData = z.infer<typeof CardsFreezeRequestedData>;

const envelope = <T extends WebhookEventType, D extends z.ZodType>(type: T, data: D) =>
  z.object({
    type: z.literal(type),
    timestamp: Timestamp.meta({ description: 'When it happened, by the service’s clock.' }),
    data,
  });

/** Each event's body, by type: for the OpenAPI document's webhooks, and for receivers to parse with. */
export const WEBHOOK_EVENTS = {
  'check.held': envelope('check.held', CheckEventData),
  'check.refused': envelope('check.refused', CheckEventData),
  'review.closed': envelope('review.closed', ReviewClosedData),
  'outcome.recorded': envelope('outcome.recorded', OutcomeRecordedData),
  'rule_set.published': envelope('rule_set.published', RuleSetPublishedData),
  'key.revoked': envelope('key.revoked', KeyRevokedData),
  'case.opened': envelope('case.opened', CaseOpenedData),
  'case.escalated': envelope('case.escalated', CaseEscalatedData),
  'cards.freeze_requested': envelope('cards.freeze_requested', CardsFreezeRequestedData),
} as const;

export const WebhookEvent = z
  .discriminatedUnion('type', [
    WEBHOOK_EVENTS['check.held'],
    WEBHOOK_EVENTS['check.refused'],
    WEBHOOK_EVENTS['review.closed'],
    WEBHOOK_EVENTS['outcome.recorded'],
    WEBHOOK_EVENTS['rule_set.published'],
    WEBHOOK_EVENTS['key.revoked'],
    WEBHOOK_EVENTS['case.opened'],
    WEBHOOK_EVENTS['case.escalated'],
    WEBHOOK_EVENTS['cards.freeze_requested'],
  ])
  .meta({
    id: 'WebhookEvent',
    description:
      'The body of every webhook: `{ type, timestamp, data }`, signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The `webhook-id` is the event id: the same on every retry, so a receiver can drop repeats.',
  });
export type WebhookEvent = z.infer<typeof WebhookEvent>;
export type WebhookEventData<T extends WebhookEventType> = Extract<WebhookEvent, { type: T }>['data'];

export const WebhookCreateRequest = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      // Kept as sent, not as the URL parser would write it: a NUL in it would reach the database.
      .refine(isKeepableText, { message: 'A URL may not contain U+0000 (NUL) or a lone UTF-16 surrogate', abort: true })
      .meta({
        description:
          'Where to POST events: `https://` to a public address, or to an internal receiver the operator lists in VOUCHSAFE_WEBHOOKS_ALLOW_HOSTS; `http://` only to this machine or such a receiver, when the service runs with VOUCHSAFE_WEBHOOKS_ALLOW_HTTP=1. The host is resolved when the webhook is made and again before every attempt, and the attempt goes to the address checked: loopback, private, link-local, CGNAT, multicast and other internal addresses (IPv4-mapped IPv6 forms too) are refused (`url_not_allowed`). Redirects are not followed.',
        example: 'https://lp.example.com/vouchsafe/events',
      }),
    events: z
      .array(WebhookEventType)
      .min(1)
      .refine((events) => new Set(events).size === events.length, 'Events must not repeat')
      .meta({ description: 'The events to send here.', example: ['check.held', 'review.closed'] }),
    description: Text().trim().min(1).max(200).optional().meta({ example: 'Loss-prevention desk, Stevenage' }),
  })
  .meta({ id: 'WebhookCreateRequest' });
export type WebhookCreateRequest = z.infer<typeof WebhookCreateRequest>;

export const Webhook = z
  .object({
    id: WebhookId,
    url: z.string(),
    events: z.array(WebhookEventType),
    description: z.string().nullable(),
    livemode: z.boolean().meta({
      description: 'The world of the admin key that made it. A live webhook receives live events only; a test webhook (made with a `vsk_test_` admin key) receives test events only.',
      example: true,
    }),
    createdAt: Timestamp,
    deletedAt: Timestamp.nullable(),
  })
  .meta({ id: 'Webhook', description: 'A webhook endpoint, without its secret.' });
export type Webhook = z.infer<typeof Webhook>;

export const WebhookCreated = Webhook.extend({
  secret: z.string().meta({
    description: 'The signing secret, for a Standard Webhooks library on the receiving side. Shown this once.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).meta({ id: 'WebhookCreated' });
export type WebhookCreated = z.infer<typeof WebhookCreated>;

export const WebhookList = z.object({ webhooks: z.array(Webhook) }).meta({ id: 'WebhookList' });

export const DeliveryStatus = z.enum(['pending', 'delivered', 'failed', 'cancelled']).meta({
  id: 'DeliveryStatus',
  description:
    '`pending`: waiting for its next attempt. `delivered`: the receiver answered 2xx. `failed`: every attempt over more than a day failed (retry it by hand). `cancelled`: the webhook was deleted first.',
});

export const DeliveryAttempt = z
  .object({
    attempt: z.number().int().min(1),
    at: Timestamp,
    durationMs: z.number().int().min(0),
    statusCode: z.number().int().nullable().meta({ description: 'The receiver’s HTTP status; null if it never answered.' }),
    error: z.string().nullable().meta({
      description:
        'Why it failed, if it did: `answered 503` (any status but 2xx), `redirected to …: redirects are not followed`, `failed` (no HTTP answer: the connection refused or reset, no answer in time, no HTTP or no TLS spoken; not told apart), or `refused` (the destination is not allowed now, for instance its name resolves to an internal address; nothing was sent).',
      example: 'failed',
    }),
  })
  .meta({ id: 'DeliveryAttempt' });

export const Delivery = z
  .object({
    id: DeliveryId,
    webhookId: WebhookId,
    eventId: z.string().meta({ description: 'The event id, sent as the `webhook-id` header on every attempt.', example: 'evt_01jd0q9w4v2s3k6m8n0p' }),
    eventType: WebhookEventType,
    status: DeliveryStatus,
    createdAt: Timestamp,
    nextAttemptAt: Timestamp.nullable(),
    deliveredAt: Timestamp.nullable(),
    attempts: z.array(DeliveryAttempt),
    event: WebhookEvent.meta({ description: 'The body sent.' }),
  })
  .meta({ id: 'Delivery', description: 'One event on its way to one webhook, with every attempt.' });
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryList = z.object({ deliveries: z.array(Delivery) }).meta({ id: 'DeliveryList' });

export const DeliveryQuery = z.strictObject({
  status: DeliveryStatus.optional().meta({ param: { name: 'status', in: 'query' }, description: 'Only deliveries in this state.' }),
  limit: z.coerce.number().int().min(1).max(200).default(50).meta({ param: { name: 'limit', in: 'query' }, description: 'At most this many, newest first.' }),
});
export type DeliveryQuery = z.infer<typeof DeliveryQuery>;
