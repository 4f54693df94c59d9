import type { Fetch } from '../../../sdk/src/index.js';
import type { VirtualClock } from './clock.js';

/**
 * A network a test controls, on the test's virtual clock. `pass` lets requests through to the real
 * service (time stands still meanwhile: the network is instant); `down` refuses them at once; `hang`
 * never answers and ignores the abort signal; `slow` is reached at once but answers `slowMs` later; a
 * status answers with that status at once; `lost` lets the request reach the service and then drops
 * the answer.
 */
export type Fault =
  | 'pass'
  | 'down'
  | 'hang'
  | 'lost'
  | { slowMs: number }
  | { status: number; retryAfter?: string };

export interface Exchange {
  /** When it was sent, on the virtual clock. */
  at: number;
  method: string;
  path: string;
  fault: string;
  /** The JSON sent; a check's carries its `transactionId`, and `offlineDecision` when the outbox replays it. */
  body: { transactionId?: string; offlineDecision?: unknown; [field: string]: unknown } | undefined;
}

/** The real service's answer, read to the end: once it is back, nothing real is left under way. */
async function service(input: string, init: RequestInit): Promise<Response> {
  const response = await globalThis.fetch(input, init);
  const body = await response.text();
  // A 304 (an unchanged rule set) may not carry a body, not even an empty one.
  const nullBody = [101, 204, 205, 304].includes(response.status);
  return new Response(nullBody ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

export function faultyNetwork(clock: VirtualClock, initial: Fault = 'pass') {
  let fault: Fault = initial;
  const once: Fault[] = [];
  const log: Exchange[] = [];

  const fetch: Fetch = async (input, init) => {
    const current = once.shift() ?? fault;
    const url = new URL(input);
    log.push({
      at: clock.now(),
      method: init.method ?? 'GET',
      path: url.pathname,
      fault: typeof current === 'string' ? current : JSON.stringify(current),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    if (current === 'down') throw new TypeError('fetch failed: connect ECONNREFUSED');
    if (current === 'hang') return new Promise<Response>(() => {});
    if (current === 'lost') {
      await clock.real(service(input, init));
      throw new TypeError('fetch failed: socket hang up');
    }
    if (typeof current === 'object' && 'slowMs' in current) {
      // The service gets the request at once; its answer is late (and arrives even if the till gave up).
      const answer = await clock.real(service(input, { ...init, signal: null }));
      await new Promise<void>((resolve) => clock.setTimeout(resolve, current.slowMs));
      return answer;
    }
    if (typeof current === 'object') {
      const problem = { type: 'urn:test', title: 'Injected', status: current.status, code: current.status >= 500 ? 'internal_error' : 'rate_limited', requestId: 'injected' };
      return new Response(JSON.stringify(problem), {
        status: current.status,
        headers: { 'content-type': 'application/problem+json', ...(current.retryAfter ? { 'retry-after': current.retryAfter } : {}) },
      });
    }
    return clock.real(service(input, init));
  };

  return {
    fetch,
    log,
    /** From now on. */
    set(next: Fault) {
      fault = next;
    },
    /** For the next requests only, then back to the standing fault. */
    next(...faults: Fault[]) {
      once.push(...faults);
    },
    /** The requests to create a sale's check: the till's own attempts, then the outbox's replays. */
    checksFor(transactionId: string) {
      return log.filter((exchange) => exchange.path === '/v1/checks' && exchange.body?.transactionId === transactionId);
    },
    /** The requests to one path, e.g. `/v1/checks`, or to paths ending in `/outcome`. */
    to(path: string | RegExp) {
      return log.filter((exchange) => (typeof path === 'string' ? exchange.path === path : path.test(exchange.path)));
    },
  };
}
