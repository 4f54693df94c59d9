import type { Principal } from '../access/api-keys.js';
import { assertTill } from '../access/store-scope.js';
import type { CheckRequest } from '../contract/check.js';
import type { Decision } from '../contract/decision.js';
import { valueBandOf } from '../contract/exchange.js';
import type { NetworkSignal } from '../contract/network.js';
import { acceptedLanguages, basketBrandFamily, basketTotals, businessDay, localeOf, minorUnitsPerMajor, NO_HISTORY } from '../engine/index.js';
import { NOT_ASKED } from '../exchange/member.js';
import { DomainError, invalidField } from '../errors.js';
import { newId } from '../sortable-id.js';
import { type StoredRequest, within } from '../store/index.js';
import { areaSeenAt } from '../stores/index.js';
import type { CheckContext } from './context.js';
import { evaluateAndRecord } from './evaluate.js';
import { toDecision } from './records.js';

const HOUR = 3_600_000;
/**
 * How far ahead of the service's clock a till's `occurredAt` may be. Skew is expected (a till a few
 * minutes out counts the same, since history is on the service's clock); a day ahead is a till whose
 * clock is wrong, and its reports would be too.
 */
const MOST_AHEAD_MS = 24 * HOUR;
/**
 * How far back an offline replay's recorded time is believed: a check decided offline sits in its
 * customer's history when the till says it happened, as long as that is within this window of its
 * arrival; an older one sits at the window's start.
 */
const OFFLINE_REPLAY_WINDOW_MS = 7 * 24 * HOUR;

/**
 * Where a check sits in its customer's history. A live check: when the service received it, whatever
 * the till's clock says, so no till clock (slow, fast or stepped back) hides earlier checks. An offline
 * replay: when the till recorded it, within OFFLINE_REPLAY_WINDOW_MS and never after its arrival.
 */
function historyTime(check: CheckRequest, receivedAt: number): number {
  if (!check.offlineDecision || !check.occurredAt) return receivedAt;
  return Math.min(receivedAt, Math.max(receivedAt - OFFLINE_REPLAY_WINDOW_MS, Date.parse(check.occurredAt)));
}

/**
 * What the retailers' exchange knows about this payment card at other retailers, asked before the
 * transaction (a database transaction never waits on the network) and never for longer than the
 * exchange's timeout. Test checks never reach the exchange: test traffic is nobody's business but
 * the retailer's.
 */
async function askExchange(context: CheckContext, livemode: boolean, check: CheckRequest, storedValue: number): Promise<NetworkSignal> {
  const token = check.customer.paymentToken;
  if (!context.exchange || !livemode || !token || storedValue === 0) return NOT_ASKED;
  const signal = await context.exchange.cardSignal(token, valueBandOf(storedValue / minorUnitsPerMajor(check.currency)));
  context.metrics.exchangeAsked.inc({ status: signal.status });
  return signal;
}

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
 * Decides on a basket, idempotently per (storeId, world, transactionId, business day): the first call makes the
 * check, the same body again is a retry, a changed basket is a new revision of the same check. The
 * business day is the store's calendar day of occurredAt (of the receive time when the till sends
 * none), so a till that restarts its numbering each morning starts new checks, while a retry from an
 * outbox days later, carrying its original occurredAt, still finds its check. Test and live are apart:
 * a test till reusing a live transaction id makes its own test check and leaves the live one alone.
 */
export async function submitCheck(context: CheckContext, principal: Principal, check: CheckRequest, acceptLanguage?: string): Promise<Submitted> {
  const { store, ids, clock, registry } = context;
  assertTill(principal, check.storeId, check.tillId);
  registry.noteCheck(check.storeId);
  const storeRecord = registry.get(check.storeId);

  const started = performance.now();
  const now = clock();
  if (check.occurredAt && Date.parse(check.occurredAt) > now + MOST_AHEAD_MS) {
    throw invalidField('occurredAt', 'too_big', 'occurredAt is more than a day ahead of the service clock; check the till clock');
  }
  // A test check's identifiers are hashed apart from live ones: test traffic never links, or counts
  // in, a real customer's history, and real history never reaches a test check.
  const space = principal.livemode ? '' : 'test:';
  const identities = [
    check.customer.loyaltyId && ids.identity('loyalty', space + check.customer.loyaltyId),
    check.customer.paymentToken && ids.identity('payment', space + check.customer.paymentToken),
  ].filter((value): value is string => Boolean(value));
  // What the till decided offline is a note about the same basket, not a change to it: a replay that
  // adds one must not be decided again as a changed basket.
  const { offlineDecision, ...basket } = check;
  const fingerprint = ids.fingerprint(JSON.stringify(basket));
  const day = businessDay(check.occurredAt ? Date.parse(check.occurredAt) : now, storeRecord?.timeZone ?? context.timeZone);
  const family = basketBrandFamily(check.lines);
  const totals = basketTotals(check.lines);
  const network = await askExchange(context, principal.livemode, check, totals.storedValue);

  const result = await store.transaction(async (tx): Promise<Submitted> => {
    // A new check is the common case: its customer's history is asked for beside the lookup, as if
    // it were new (one round trip, not two, to a database across a network), and asked again when
    // it turns out to be a changed basket of a check already made.
    const idIfNew = newId('chk', now);
    const historyAtIfNew = historyTime(check, now);
    const [existing, customerIfNew, areaIfNew] = await Promise.all([
      // Locked: a supervisor's release or another revision of this check waits for this one, and this for them.
      tx.checks.findByTransaction({ storeId: check.storeId, livemode: principal.livemode, transactionId: check.transactionId, businessDay: day }, { lock: true }),
      identities.length > 0 ? tx.history.customer(identities, historyAtIfNew, check.storeId, idIfNew, family) : undefined,
      areaSeenAt(within(context, tx), check.storeId, principal.livemode, historyAtIfNew),
    ]);
    // Of a check already made: its review, and whether this basket is one it had before, read together.
    const [stored, earlierRevision] = existing
      ? await Promise.all([
          tx.reviews.find(existing.id),
          existing.requestFingerprint === fingerprint ? existing.latest.revision : tx.checks.revisionWithFingerprint(existing.id, fingerprint),
        ])
      : [undefined, undefined];
    if (existing && existing.requestFingerprint === fingerprint) {
      if (offlineDecision && !existing.latest.request.offlineDecision) {
        await tx.checks.noteOfflineDecision(existing.id, existing.latest.revision, offlineDecision);
      }
      return { status: 'replayed', decision: toDecision(existing, existing.latest, stored, now, context.rules.current) };
    }
    // A late retry of an older basket (its answer lost, its resend overtaken by the newer basket) is
    // recognised and answered with the decision as it stands: a check never goes back a revision.
    if (existing && earlierRevision !== undefined) {
      context.logger.info('older basket resent; answered with the current decision', { checkId: existing.id, revision: existing.latest.revision });
      return { status: 'replayed', decision: toDecision(existing, existing.latest, stored, now, context.rules.current) };
    }
    if (existing?.outcome) {
      throw new DomainError(
        'check_closed',
        `Check ${existing.id} already has the outcome ${existing.outcome.outcome}; start a new transaction for a new basket`,
      );
    }
    const checkId = existing?.id ?? idIfNew;
    const occurredAt = check.occurredAt ? Date.parse(check.occurredAt) : (existing?.occurredAt ?? now);
    const historyAt = existing?.historyAt ?? historyAtIfNew;
    // An identifier many people use links strangers: it is kept, but neither identifies nor counts.
    const customer = existing && identities.length > 0 ? await tx.history.customer(identities, historyAt, check.storeId, checkId, family) : customerIfNew;
    const identified = Boolean(customer?.windows);
    // A changed basket sees the alerts as they stood when the check was first made, as its history does.
    const area = existing ? existing.latest.area : areaIfNew;
    const { write: saved, review } = await evaluateAndRecord(
      within(context, tx),
      { previous: existing && { check: existing, review: stored }, actor: principal.keyId },
      {
        id: checkId,
        storeId: check.storeId,
        tillId: check.tillId,
        transactionId: check.transactionId,
        businessDay: day,
        livemode: principal.livemode,
        occurredAt,
        receivedAt: existing?.receivedAt ?? now,
        historyAt,
        keyId: existing?.keyId ?? principal.keyId,
        requestFingerprint: fingerprint,
        identified,
        identities,
      },
      {
        // The language chosen once, so answers keep it: the check's own, else its store's, else the
        // browser's Accept-Language (only for a store the registry lacks), else the rule set's default.
        // A store's language beats the browser's: a UK till whose browser says en-US must still get
        // Report Fraud and 999, not the FTC and 911.
        request: { ...withoutIdentifiers(check), locale: localeOf(context.rules.current, check.locale ?? storeRecord?.locale ?? acceptedLanguages(acceptLanguage)) },
        totals,
        history: customer?.windows ?? NO_HISTORY,
        area,
        network,
        answers: existing?.latest.answers ?? {},
        trigger: existing ? 'basket_changed' : 'check',
        revision: (existing?.latest.revision ?? 0) + 1,
      },
    );
    return { status: existing ? 'updated' : 'created', decision: toDecision(saved, saved.evaluation, review, now, context.rules.current) };
  });

  if (result.status !== 'replayed') {
    context.metrics.decisionSeconds.observe({ trigger: result.status === 'created' ? 'check' : 'basket_changed' }, (performance.now() - started) / 1000);
  }
  return result;
}
