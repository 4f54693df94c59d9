import { Escalation, type EscalationRequest } from '../../src/contract/escalations.js';
import type { z } from 'zod';
import type { AnswersRequest } from '../../src/contract/answers.js';
import type { CheckRequest } from '../../src/contract/check.js';
import { Decision } from '../../src/contract/decision.js';
import { CheckRecord } from '../../src/contract/check-record.js';
import { OutcomeRecord, type OutcomeRequest } from '../../src/contract/outcome.js';
import { ReviewRecord, type ReviewRequest } from '../../src/contract/review.js';
import { ActiveRuleSet } from '../../src/contract/rule-set.js';
import type { Clock } from './clock.js';
import type { Credentials } from './credentials.js';
import { ClosedError, ConnectionError, CorsError, errorFromResponse, InvalidResponseError, TimeoutError, VouchsafeError } from './errors.js';

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** What the SDK reads of `GET /v1/rules`: enough to compile the rule set and to tell versions apart. */
export const RulesResponse = ActiveRuleSet.pick({ version: true, contentHash: true, source: true });
export type RulesResponse = z.infer<typeof RulesResponse>;

/** What the SDK reads of `GET /v1/checks/{checkId}`: where the check's hold stands. */
export const CheckReview = CheckRecord.pick({ checkId: true, answers: true, review: true });
export type CheckReview = z.infer<typeof CheckReview>;

/** The service's endpoints the till uses. Each call is one attempt; `stop` abandons it when the client closes. */
export interface Api {
  createCheck(body: CheckRequest, timeoutMs: number, stop?: AbortSignal): Promise<Decision>;
  answer(checkId: string, body: AnswersRequest, timeoutMs: number, stop?: AbortSignal): Promise<Decision>;
  recordOutcome(checkId: string, body: OutcomeRequest, timeoutMs: number, stop?: AbortSignal): Promise<OutcomeRecord>;
  /** A supervisor's release or refusal of a held check. */
  review(checkId: string, body: ReviewRequest, timeoutMs: number, stop?: AbortSignal): Promise<ReviewRecord>;
  escalate(checkId: string, body: EscalationRequest, timeoutMs: number, stop?: AbortSignal): Promise<Escalation>;
  /** The check's hold as the service has it. */
  checkReview(checkId: string, timeoutMs: number, stop?: AbortSignal): Promise<CheckReview>;
  /** The active rule set and its ETag, or `unchanged` when it still has the ETag sent. */
  rules(etag: string | undefined, timeoutMs: number, stop?: AbortSignal): Promise<{ ruleSet: RulesResponse; etag: string | undefined } | 'unchanged'>;
}

const noop = () => {};

/**
 * One HTTP exchange, bounded by `timeoutMs` whether or not `fetch` honours the abort signal: a
 * hanging fetch (or a body that never finishes) is abandoned, never waited on. `stop` abandons it
 * early, when the client closes.
 */
async function exchange(fetch: Fetch, clock: Clock, url: string, init: RequestInit, timeoutMs: number, stop?: AbortSignal) {
  if (timeoutMs <= 0) throw new TimeoutError(`No time left to send ${init.method} ${url}`);
  if (stop?.aborted) throw new ClosedError('The client is closed');
  const controller = new AbortController();
  let timer: unknown;
  let onStop: (() => void) | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      controller.abort();
      reject(new TimeoutError(`No answer from ${url} within ${Math.round(timeoutMs)} ms`));
    }, timeoutMs);
    onStop = () => {
      controller.abort();
      reject(new ClosedError(`The client closed before ${url} answered`));
    };
    stop?.addEventListener('abort', onStop);
  });
  const work = (async () => {
    const response = await fetch(url, { ...init, signal: controller.signal });
    return { response, body: await response.text() };
  })();
  work.catch(noop); // Settles after the race is lost: nobody is listening then.
  try {
    return await Promise.race([work, abandoned]);
  } catch (error) {
    if (error instanceof VouchsafeError) throw error;
    throw new ConnectionError(`Could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    clock.clearTimeout(timer);
    if (onStop) stop?.removeEventListener('abort', onStop);
  }
}

/** The page's origin when the SDK runs in a browser page (or worker) and the service is on another one. */
function crossOrigin(base: string): string | undefined {
  const here = (globalThis as { location?: { origin?: string } }).location?.origin;
  if (!here || here === 'null') return undefined;
  return new URL(base).origin === here ? undefined : here;
}

/**
 * A browser reports a request it blocked for CORS exactly as it reports a network that is down. The
 * service's `/healthz` answers every origin: if it answers, and says this origin is not allowed, the
 * failure was the setting, not the network.
 */
async function corsRefusal(fetch: Fetch, clock: Clock, base: string, origin: string, timeoutMs: number): Promise<CorsError | undefined> {
  try {
    const { response, body } = await exchange(fetch, clock, new URL('healthz', base).href, { method: 'GET' }, timeoutMs);
    const health = JSON.parse(body) as { originAllowed?: unknown };
    return response.ok && health.originAllowed === false ? new CorsError(origin, base) : undefined;
  } catch {
    return undefined; // The service does not answer either: it is the network, as first thought.
  }
}

export function createApi(options: { baseUrl: string; credentials: Credentials; fetch: Fetch; clock: Clock }): Api {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const pageOrigin = crossOrigin(base);
  const { credentials, clock } = options;

  async function send(
    method: 'GET' | 'POST',
    path: string,
    timeoutMs: number,
    stop: AbortSignal | undefined,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const url = new URL(path, base).href;
    const deadline = clock.now() + timeoutMs;
    const attempt = async () => {
      const bearer = await credentials.bearer(deadline - clock.now());
      const request: RequestInit = {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          accept: 'application/json',
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      };
      try {
        const answer = await exchange(options.fetch, clock, url, request, deadline - clock.now(), stop);
        return { bearer, ...answer };
      } catch (error) {
        const blocked =
          pageOrigin && error instanceof ConnectionError && !(error instanceof TimeoutError)
            ? await corsRefusal(options.fetch, clock, base, pageOrigin, deadline - clock.now())
            : undefined;
        throw blocked ?? error;
      }
    };
    const failure = ({ response, body }: Awaited<ReturnType<typeof attempt>>) =>
      response.ok || response.status === 304 ? undefined : errorFromResponse(response.status, body, response.headers);
    let answer = await attempt();
    // A till token that ran out (a till clock behind the service's, or a till left idle): once more with a new one.
    if (failure(answer)?.code === 'token_expired') {
      credentials.expired(answer.bearer);
      answer = await attempt();
    }
    const error = failure(answer);
    if (error) throw error;
    const { response, body } = answer;
    return { what: `${method} ${url} answered ${response.status}`, status: response.status, headers: response.headers, body };
  }

  function read<T>(schema: z.ZodType<T>, answer: { what: string; body: string }): T {
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch {
      throw new InvalidResponseError(`${answer.what} with a body that is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new InvalidResponseError(`${answer.what} with a body the contract does not allow`);
    return parsed.data;
  }

  const checkPath = (checkId: string, what: string) => `v1/checks/${encodeURIComponent(checkId)}${what ? `/${what}` : ''}`;
  return {
    createCheck: async (body, timeoutMs, stop) => read(Decision, await send('POST', 'v1/checks', timeoutMs, stop, { body })),
    answer: async (checkId, body, timeoutMs, stop) =>
      read(Decision, await send('POST', checkPath(checkId, 'answers'), timeoutMs, stop, { body })),
    recordOutcome: async (checkId, body, timeoutMs, stop) =>
      read(OutcomeRecord, await send('POST', checkPath(checkId, 'outcome'), timeoutMs, stop, { body })),
    review: async (checkId, body, timeoutMs, stop) => read(ReviewRecord, await send('POST', checkPath(checkId, 'review'), timeoutMs, stop, { body })),
    escalate: async (checkId, body, timeoutMs, stop) => read(Escalation, await send('POST', checkPath(checkId, 'escalations'), timeoutMs, stop, { body })),
    checkReview: async (checkId, timeoutMs, stop) => read(CheckReview, await send('GET', checkPath(checkId, ''), timeoutMs, stop)),
    async rules(etag, timeoutMs, stop) {
      const answer = await send('GET', 'v1/rules', timeoutMs, stop, etag ? { headers: { 'if-none-match': etag } } : {});
      if (answer.status === 304) return 'unchanged';
      return { ruleSet: read(RulesResponse, answer), etag: answer.headers.get('etag') ?? undefined };
    },
  };
}
