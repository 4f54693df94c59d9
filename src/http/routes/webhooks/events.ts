import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { WEBHOOK_EVENTS, type WebhookEventType } from '../../../contract/webhooks.js';
import type { AppEnv } from '../../env.js';

const WHEN: Record<WebhookEventType, string> = {
  'check.held': 'A check was decided `hold`: the sale waits for a supervisor until `deadline`.',
  'check.refused': 'A check was decided `refuse`: by its basket, or by the colleague’s answers.',
  'review.closed': 'A hold was released or refused by a supervisor, refused by a later decision or by the outcome, or expired at its deadline.',
  'outcome.recorded': 'The till recorded what happened.',
  'rule_set.published': 'A rule set version became active: published, approved by a second admin, or rolled back to.',
  'key.revoked': 'An API key was revoked.',
  'case.opened': 'A case opened on a check: the till recorded `scam_confirmed`, a supervisor refused a hold, a sale was reported as a scam afterwards, or a colleague escalated.',
  'case.escalated': 'A colleague escalated for the customer (called the police, the bank via 159, the family or the card issuer): sent at once, for loss prevention to follow up.',
  'cards.freeze_requested': 'A case opened, or a report or escalation came, on a sale whose cards were captured: the processor integration freezes them and answers per card (`POST /v1/cases/{caseId}/freeze-results`). The only event that carries serials whole: subscribe only the processor integration to it.',
};

const SIGNATURE_HEADERS = z.object({
  'webhook-id': z.string().meta({ description: 'The event id: the same on every attempt, so a receiver can drop repeats.', example: 'evt_01jd0q9w4v2s3k6m8n0p' }),
  'webhook-timestamp': z.string().meta({ description: 'When this attempt was signed, in seconds since 1970 (refuse old ones).', example: '1763632800' }),
  'webhook-signature': z.string().meta({ description: '`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the webhook’s secret.', example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=' }),
});

/** The events in the OpenAPI document's `webhooks`: what a receiver is sent, and how it is signed. */
export function registerWebhookEvents(api: OpenAPIHono<AppEnv>) {
  for (const [type, schema] of Object.entries(WEBHOOK_EVENTS) as Array<[WebhookEventType, (typeof WEBHOOK_EVENTS)[WebhookEventType]]>) {
    api.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `on${type.split(/[._]/).map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')}`,
      tags: ['Webhooks'],
      summary: type,
      description: `${WHEN[type]} Signed the Standard Webhooks way; answer 2xx within 5 seconds, or it is sent again later with the same \`webhook-id\`.`,
      request: { headers: SIGNATURE_HEADERS, body: { content: { 'application/json': { schema } } } },
      responses: { 200: { description: 'Received. Any 2xx will do; anything else, or no answer in 5 seconds, is tried again.' } },
    });
  }
}
