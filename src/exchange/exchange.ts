import { type KeyObject, randomUUID } from 'node:crypto';
import {
  type AreaAlert,
  type EvaluateRequest,
  type EvaluateResponse,
  type RelayedAlert,
  type SightingRequest,
  type SightingResponse,
  VALUE_BAND_ORDER,
} from '../contract/exchange.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ExchangeStore } from '../store/exchange.js';
import { evaluateBlinded, type OprfKey } from './oprf.js';
import { SIGNATURE_WINDOW_MS, type Verified, verifyRequest } from './signing.js';

/** Sightings and alerts are kept this long: "today" for the network facts, a day for alerts. */
export const EXCHANGE_WINDOW_MS = 24 * 3_600_000;

export interface ExchangeOptions {
  store: ExchangeStore;
  oprfKey: OprfKey;
  /** Member id → Ed25519 public key. */
  members: ReadonlyMap<string, KeyObject>;
  logger: Logger;
  clock?: () => number;
  /**
   * OPRF evaluations each member may ask for per minute. The limit is what stops a member (or a
   * thief with its key) using the exchange as an oracle to test guessed card numbers: at the
   * default, a million guesses take a member about 11 days, in plain sight of the exchange.
   */
  evaluationsPerMinute?: number;
}

export const DEFAULT_EVALUATIONS_PER_MINUTE = 6_000;

/** The exchange's use cases: authenticate a member, evaluate its blinded cards, record and answer sightings, relay alerts. */
export interface Exchange {
  readonly store: ExchangeStore;
  /** Checks the signature, the time and the nonce; throws `unauthorized` with the fault, having recorded nothing. */
  authenticate(request: Parameters<typeof verifyRequest>[1]): Promise<string>;
  evaluate(memberId: string, request: EvaluateRequest): EvaluateResponse;
  sight(memberId: string, request: SightingRequest): Promise<SightingResponse>;
  publishAlert(memberId: string, alert: AreaAlert): Promise<RelayedAlert>;
  alerts(memberId: string, districts: readonly string[], since: number): Promise<RelayedAlert[]>;
  purge(): Promise<void>;
}

const FAULT_DETAIL: Record<Exclude<Verified, { ok: true }>['fault'], string> = {
  unsigned: 'Sign every request: the vouchsafe-member, -timestamp, -nonce and -signature headers are needed',
  unknown_member: 'No member with that id is configured on this exchange',
  bad_signature: 'The signature does not match the request and the member’s public key',
  stale_timestamp: 'The request’s time is more than 5 minutes from the exchange’s clock; check the member’s clock',
  replayed: 'This nonce was used already: a request is accepted once',
};

export function createExchange(options: ExchangeOptions): Exchange {
  const clock = options.clock ?? Date.now;
  const perMinute = options.evaluationsPerMinute ?? DEFAULT_EVALUATIONS_PER_MINUTE;
  // A token bucket per member, refilled continuously: bursts up to a minute's worth. Per node: an
  // exchange on N nodes allows N times the rate, which the docs say.
  const buckets = new Map<string, { tokens: number; at: number }>();
  const take = (memberId: string, count: number) => {
    const now = clock();
    const bucket = buckets.get(memberId) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.at) * perMinute) / 60_000);
    bucket.at = now;
    buckets.set(memberId, bucket);
    if (bucket.tokens < count) {
      const retryAfterSeconds = Math.max(1, Math.ceil(((count - bucket.tokens) * 60) / perMinute));
      throw new DomainError('rate_limited', `More than ${perMinute} card evaluations a minute from this member`, { retryAfterSeconds });
    }
    bucket.tokens -= count;
  };
  const refuse = (fault: Exclude<Verified, { ok: true }>['fault'], memberId: string | undefined) => {
    // Logged without the body: a forged request's content is not the exchange's to keep.
    options.logger.warn('member request refused', { fault, memberId: memberId ?? null });
    return new DomainError('unauthorized', FAULT_DETAIL[fault], { extra: { fault } });
  };

  return {
    store: options.store,
    async authenticate(request) {
      const verified = verifyRequest(options.members, request, clock());
      if (!verified.ok) throw refuse(verified.fault, request.header('vouchsafe-member'));
      if (!(await options.store.useNonce(verified.memberId, verified.nonce, verified.at))) throw refuse('replayed', verified.memberId);
      return verified.memberId;
    },
    evaluate(memberId, request) {
      take(memberId, request.blinded.length);
      try {
        return { evaluated: evaluateBlinded(options.oprfKey, request.blinded) };
      } catch {
        throw new DomainError('validation_failed', 'blinded: not a valid ristretto255 element', {
          errors: [{ field: 'blinded', code: 'invalid_element', message: 'Not a valid ristretto255 element' }],
        });
      }
    },
    async sight(memberId, request) {
      const now = clock();
      const others = await options.store.sight(memberId, request.linkId, now, request.valueBand, now - EXCHANGE_WINDOW_MS);
      const members = new Set(others.map((sighting) => sighting.memberId));
      const latest = others.reduce((max, sighting) => Math.max(max, sighting.at), -Infinity);
      const largest = others.reduce((max, sighting) => Math.max(max, VALUE_BAND_ORDER.indexOf(sighting.valueBand)), -1);
      return {
        otherMembers: members.size,
        minutesSince: others.length === 0 ? null : Math.max(0, Math.floor((now - latest) / 60_000)),
        valueBand: largest < 0 ? null : VALUE_BAND_ORDER[largest]!,
      };
    },
    async publishAlert(memberId, alert) {
      const receivedAt = clock();
      const id = `alert_${randomUUID()}`;
      await options.store.addAlert(id, memberId, alert, receivedAt);
      options.logger.info('area alert relayed', { memberId, district: alert.district, alertId: id });
      return { ...alert, id, receivedAt: new Date(receivedAt).toISOString() };
    },
    alerts(memberId, districts, since) {
      return options.store.alerts(memberId, districts, Math.max(since, clock() - EXCHANGE_WINDOW_MS));
    },
    purge() {
      const now = clock();
      return options.store.purge(now - 2 * SIGNATURE_WINDOW_MS, now - EXCHANGE_WINDOW_MS);
    },
  };
}
