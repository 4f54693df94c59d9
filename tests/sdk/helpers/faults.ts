import type { Fetch } from '../../../sdk/src/index.js';

/**
 * A network a test controls. `pass` lets requests through to the real service; `down` refuses them at
 * once; `hang` never answers and ignores the abort signal; `slow` is reached at once but answers late; a status
 * answers with that status; `lost` lets the request reach the service and then drops the answer.
 */
export type Fault =
  | 'pass'
  | 'down'
  | 'hang'
  | 'lost'
  | { slowMs: number }
  | { status: number; retryAfter?: string };

export interface Exchange {
  method: string;
  path: string;
  fault: string;
  body: unknown;
}

export function faultyNetwork(initial: Fault = 'pass') {
  let fault: Fault = initial;
  const once: Fault[] = [];
  const log: Exchange[] = [];

  const fetch: Fetch = async (input, init) => {
    const current = once.shift() ?? fault;
    const url = new URL(input);
    log.push({
      method: init.method ?? 'GET',
      path: url.pathname,
      fault: typeof current === 'string' ? current : JSON.stringify(current),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    if (current === 'down') throw new TypeError('fetch failed: connect ECONNREFUSED');
    if (current === 'hang') return new Promise<Response>(() => {});
    if (current === 'lost') {
      await (await globalThis.fetch(input, init)).text();
      throw new TypeError('fetch failed: socket hang up');
    }
    if (typeof current === 'object' && 'slowMs' in current) {
      // The service gets the request at once; its answer is late (and arrives even if the till gave up).
      const response = await globalThis.fetch(input, { ...init, signal: null });
      const body = await response.text();
      await new Promise((resolve) => setTimeout(resolve, current.slowMs));
      return new Response(body, { status: response.status, headers: response.headers });
    }
    if (typeof current === 'object') {
      const problem = { type: 'urn:test', title: 'Injected', status: current.status, code: current.status >= 500 ? 'internal_error' : 'rate_limited', requestId: 'injected' };
      return new Response(JSON.stringify(problem), {
        status: current.status,
        headers: { 'content-type': 'application/problem+json', ...(current.retryAfter ? { 'retry-after': current.retryAfter } : {}) },
      });
    }
    return globalThis.fetch(input, init);
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
    /** The requests to one path, e.g. `/v1/checks`, or to paths ending in `/outcome`. */
    to(path: string | RegExp) {
      return log.filter((exchange) => (typeof path === 'string' ? exchange.path === path : path.test(exchange.path)));
    },
  };
}
