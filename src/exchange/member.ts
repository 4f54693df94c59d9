import type { KeyObject } from 'node:crypto';
import {
  type AreaAlert,
  EvaluateResponse,
  type RelayedAlert,
  SightingResponse,
  type ValueBand,
} from '../contract/exchange.js';
import { NETWORK_WINDOW_MINUTES } from '../contract/fact-schema.js';
import type { NetworkSignal, NetworkStatus } from '../contract/network.js';
import { NO_NETWORK } from '../engine/index.js';
import { blindCard } from './oprf.js';
import { signRequest } from './signing.js';

/** What the check flow asks within the till's time budget: most of it is the exchange's own work. */
export const DEFAULT_EXCHANGE_TIMEOUT_MS = 150;
/** After this many failures in a row the exchange is not asked for BREAKER_OPEN_MS: a dead exchange costs a till nothing. */
const BREAKER_FAILURES = 3;
const BREAKER_OPEN_MS = 30_000;

export interface MemberOptions {
  /** The exchange's base URL: the only place this member ever connects to for the exchange. */
  url: string;
  memberId: string;
  privateKey: KeyObject;
  timeoutMs?: number;
  clock?: () => number;
  /** Each store's district (postcode district or ZIP3), for the alerts it shares and hears; a store not listed does neither. */
  districts?: ReadonlyMap<string, string>;
}

export const NOT_ASKED: NetworkSignal = Object.freeze({ status: 'not_asked', facts: NO_NETWORK });

export interface ExchangeMember {
  /**
   * Links this payment card with other members' sightings and records this one: blinds the token,
   * has the exchange evaluate it, unblinds the linking id and reports it. Never throws and never takes
   * longer than the timeout; the raw token leaves only as a blinded element.
   */
  cardSignal(paymentToken: string, valueBand: ValueBand): Promise<NetworkSignal>;
  /** Publishes an area alert (a scam stopped at one of this member's stores) to the other members. */
  publishAlert(alert: AreaAlert): Promise<RelayedAlert>;
  /** Other members' alerts in these districts received since `since`, oldest first, 100 at most. */
  alerts(districts: readonly string[], since: number): Promise<RelayedAlert[]>;
  /** The district a store shares alerts under and hears other members' alerts for; undefined for a store not configured. */
  districtOf(storeId: string): string | undefined;
  /** Every district this member's stores are in. */
  districts(): string[];
}

class ExchangeRefused extends Error {}

export function createExchangeMember(options: MemberOptions): ExchangeMember {
  const base = new URL(options.url);
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXCHANGE_TIMEOUT_MS;
  let failures = 0;
  let openUntil = 0;

  async function call(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    // The path is resolved against the configured URL only: no request ever goes anywhere else.
    const url = new URL(path.replace(/^\//, ''), base.href.endsWith('/') ? base : `${base.href}/`);
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers = signRequest(options.privateKey, options.memberId, { method, pathAndQuery: url.pathname + url.search, body: text }, clock());
    const response = await fetch(url, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: text }),
      signal,
      redirect: 'error',
    });
    if (!response.ok) throw new ExchangeRefused(`the exchange answered ${response.status}: ${await response.text()}`);
    return response.json();
  }

  const failed = (status: NetworkStatus): NetworkSignal => {
    failures += 1;
    if (failures >= BREAKER_FAILURES) openUntil = clock() + BREAKER_OPEN_MS;
    return { status, facts: NO_NETWORK };
  };

  return {
    async cardSignal(paymentToken, valueBand) {
      if (clock() < openUntil) return { status: 'circuit_open', facts: NO_NETWORK };
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const card = blindCard(paymentToken);
        const evaluated = EvaluateResponse.parse(await call('POST', '/v1/cards/evaluate', { blinded: [card.blinded] }, signal));
        const linkId = card.finish(evaluated.evaluated[0]!);
        const seen = SightingResponse.parse(await call('POST', '/v1/cards/sightings', { linkId, valueBand }, signal));
        failures = 0;
        openUntil = 0;
        return {
          status: 'answered',
          facts: {
            answered: true,
            otherRetailersToday: seen.otherMembers,
            valueBand: seen.valueBand ?? 'none',
            minutesSince: seen.minutesSince ?? NETWORK_WINDOW_MINUTES,
          },
        };
      } catch (error) {
        if (signal.aborted) return failed('timed_out');
        if (error instanceof ExchangeRefused) return failed('refused');
        return failed(error instanceof TypeError ? 'unreachable' : 'refused');
      }
    },
    async publishAlert(alert) {
      return (await call('POST', '/v1/alerts', alert, AbortSignal.timeout(Math.max(timeoutMs, 2_000)))) as RelayedAlert;
    },
    async alerts(districts, since) {
      const query = new URLSearchParams([...districts.map((district): [string, string] => ['district', district]), ['since', new Date(since).toISOString()]]);
      const answer = (await call('GET', `/v1/alerts?${query.toString()}`, undefined, AbortSignal.timeout(Math.max(timeoutMs, 2_000)))) as { alerts: RelayedAlert[] };
      return answer.alerts;
    },
    districtOf: (storeId) => options.districts?.get(storeId),
    districts: () => [...new Set(options.districts?.values() ?? [])].sort(),
  };
}
