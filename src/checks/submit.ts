import type { Principal } from '../access/api-keys.js';
import { assertStore } from '../access/store-scope.js';
import type { CheckRequest } from '../contract/check.js';
import type { Decision } from '../contract/decision.js';
import { basketTotals, NO_HISTORY } from '../engine/index.js';
import { DomainError, invalidField } from '../errors.js';
import { newId } from '../sortable-id.js';
import type { StoredRequest } from '../store/index.js';
import type { CheckContext } from './context.js';
import { evaluateAndRecord } from './evaluate.js';
import { toDecision } from './records.js';

/** How far ahead of the service's clock a till's clock may run. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface Submitted {
  /** created: a new check; updated: a changed basket, decided again; replayed: a retry, answered with the decision already made. */
  status: 'created' | 'updated' | 'replayed';
  decision: Decision;
}

/** The check as stored, without the raw loyalty id or payment token. */
function withoutIdentifiers(check: CheckRequest): StoredRequest {
  const { loyaltyId: _loyaltyId, paymentToken: _paymentToken, ...customer } = check.customer;
  return { ...check, customer };
}

/**
 * Decides on a basket, idempotently per (storeId, transactionId): the first call makes the check, the
 * same body again is a retry, a changed basket is a new revision of the same check.
 */
export function submitCheck(context: CheckContext, principal: Principal, check: CheckRequest): Submitted {
  const { store, ids, clock } = context;
  assertStore(principal, check.storeId);

  const started = performance.now();
  const now = clock();
  if (check.occurredAt && Date.parse(check.occurredAt) > now + CLOCK_SKEW_MS) {
    throw invalidField('occurredAt', 'too_big', 'occurredAt is more than five minutes ahead of the service clock; check the till clock');
  }
  const identities = [
    check.customer.loyaltyId && ids.identity('loyalty', check.customer.loyaltyId),
    check.customer.paymentToken && ids.identity('payment', check.customer.paymentToken),
  ].filter((value): value is string => Boolean(value));
  // What the till decided offline is a note about the same basket, not a change to it: a replay that
  // adds one must not be decided again as a changed basket.
  const { offlineDecision, ...basket } = check;
  const fingerprint = ids.fingerprint(JSON.stringify(basket));

  const result = store.transaction((): Submitted => {
    const existing = store.checks.findByTransaction(check.storeId, check.transactionId);
    if (existing && existing.requestFingerprint === fingerprint) {
      if (offlineDecision && !existing.latest.request.offlineDecision) {
        store.checks.noteOfflineDecision(existing.id, existing.latest.revision, offlineDecision);
      }
      return { status: 'replayed', decision: toDecision(existing, existing.latest, store.reviews.find(existing.id), now) };
    }
    if (existing?.outcome) {
      throw new DomainError(
        'check_closed',
        `Check ${existing.id} already has the outcome ${existing.outcome.outcome}; start a new transaction for a new basket`,
      );
    }
    const checkId = existing?.id ?? newId('chk', now);
    const occurredAt = check.occurredAt ? Date.parse(check.occurredAt) : (existing?.occurredAt ?? now);
    const identified = identities.length > 0;
    const { write: saved, review } = evaluateAndRecord(
      context,
      { previous: existing, actor: principal.keyId },
      {
        id: checkId,
        storeId: check.storeId,
        tillId: check.tillId,
        transactionId: check.transactionId,
        occurredAt,
        receivedAt: existing?.receivedAt ?? now,
        keyId: existing?.keyId ?? principal.keyId,
        requestFingerprint: fingerprint,
        identified,
        identities,
      },
      {
        request: withoutIdentifiers(check),
        totals: basketTotals(check.lines),
        history: identified ? store.history.windows(identities, occurredAt, check.storeId, checkId) : NO_HISTORY,
        answers: existing?.latest.answers ?? {},
        trigger: existing ? 'basket_changed' : 'check',
        revision: (existing?.latest.revision ?? 0) + 1,
      },
    );
    return { status: existing ? 'updated' : 'created', decision: toDecision(saved, saved.evaluation, review, now) };
  });

  if (result.status !== 'replayed') {
    context.metrics.decisionSeconds.observe({ trigger: result.status === 'created' ? 'check' : 'basket_changed' }, (performance.now() - started) / 1000);
  }
  return result;
}
