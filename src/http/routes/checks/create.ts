import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { CheckRequest } from '../../../contract/check.js';
import { Decision } from '../../../contract/decision.js';
import { NO_HISTORY } from '../../../engine/index.js';
import { ApiError } from '../../../errors.js';
import { newId } from '../../../sortable-id.js';
import type { AppEnv } from '../../env.js';
import { assertStore, requireRole } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, conflict, json } from '../responses.js';
import { evaluate, totalsOf, withoutIdentifiers } from './evaluate.js';
import { toDecision } from './shape.js';

/** How far ahead of the service's clock a till's clock may run. */
const CLOCK_SKEW_MS = 5 * 60_000;

const route = createRoute({
  method: 'post',
  path: '/v1/checks',
  tags: ['Checks'],
  summary: 'Decide on a basket',
  description: [
    'Send the basket when the first stored-value line is scanned, and again whenever it changes.',
    '',
    'Idempotent per `(storeId, transactionId)`. The first call makes the check (201). The same body again is a retry: it returns the decision already made (200, `Idempotent-Replayed: true`), and nothing is recorded twice. A changed basket updates the same check (200): it keeps its `checkId`, gets a new `revision`, and still counts once in the customer’s history. After an outcome is recorded the basket can no longer change (409 `check_closed`).',
  ].join('\n'),
  middleware: [requireRole('till')] as const,
  request: { body: { content: { 'application/json': { schema: CheckRequest } }, required: true } },
  responses: {
    201: json(Decision, 'A new check, decided.'),
    200: json(Decision, 'The same transaction again: a retry (the decision already made) or a changed basket (decided again).'),
    ...bodyErrors,
    ...commonErrors,
    ...conflict('The check already has an outcome, so its basket cannot change (`check_closed`).'),
  },
});

export function registerCreateCheck(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, (c) => {
    const check = c.req.valid('json');
    const principal = c.get('principal');
    const services = c.get('services');
    const { store, ids, clock } = services;
    assertStore(principal, check.storeId);

    const started = performance.now();
    const now = clock();
    if (check.occurredAt && Date.parse(check.occurredAt) > now + CLOCK_SKEW_MS) {
      throw new ApiError(400, 'validation_failed', {
        detail: 'occurredAt is in the future; check the till clock',
        errors: [{ field: 'occurredAt', code: 'too_big', message: 'occurredAt is more than five minutes ahead of the service clock' }],
      });
    }
    const identities = [
      check.customer.loyaltyId && ids.identity('loyalty', check.customer.loyaltyId),
      check.customer.paymentToken && ids.identity('payment', check.customer.paymentToken),
    ].filter((value): value is string => Boolean(value));
    // What the till decided offline is a note about the same basket, not a change to it: a replay that
    // adds one must not be decided again as a changed basket.
    const { offlineDecision, ...basket } = check;
    const fingerprint = ids.fingerprint(JSON.stringify(basket));
    const request = withoutIdentifiers(check);

    const result = store.transaction(() => {
      const existing = store.checks.findByTransaction(check.storeId, check.transactionId);
      if (existing && existing.requestFingerprint === fingerprint) {
        if (offlineDecision && !existing.latest.request.offlineDecision) {
          store.checks.noteOfflineDecision(existing.id, existing.latest.revision, offlineDecision);
        }
        return { check: existing, evaluation: existing.latest, status: 'replayed' as const };
      }
      if (existing?.outcome) {
        throw new ApiError(409, 'check_closed', {
          detail: `Check ${existing.id} already has the outcome ${existing.outcome.outcome}; start a new transaction for a new basket`,
        });
      }
      const checkId = existing?.id ?? newId('chk', now);
      const occurredAt = check.occurredAt ? Date.parse(check.occurredAt) : (existing?.occurredAt ?? now);
      const evaluation = evaluate(services, {
        checkId,
        request,
        history: identities.length > 0 ? store.history.windows(identities, occurredAt, check.storeId, checkId) : NO_HISTORY,
        answers: existing?.latest.answers ?? {},
        identified: identities.length > 0,
        trigger: existing ? 'basket_changed' : 'check',
        revision: (existing?.latest.revision ?? 0) + 1,
      });
      const saved = {
        id: checkId,
        storeId: check.storeId,
        tillId: check.tillId,
        transactionId: check.transactionId,
        occurredAt,
        receivedAt: existing?.receivedAt ?? now,
        keyId: existing?.keyId ?? principal.keyId,
        requestFingerprint: fingerprint,
        identified: identities.length > 0,
        identities,
        totals: totalsOf(request),
        evaluation,
      };
      store.checks.save(saved);
      return { check: saved, evaluation, status: existing ? ('updated' as const) : ('created' as const) };
    });

    if (result.status !== 'replayed') {
      services.metrics.decisionSeconds.observe({ trigger: result.evaluation.trigger }, (performance.now() - started) / 1000);
    } else {
      c.header('Idempotent-Replayed', 'true');
    }
    c.header('Location', `/v1/checks/${result.check.id}`);
    return c.json(toDecision(result.check, result.evaluation), result.status === 'created' ? 201 : 200);
  });
}
