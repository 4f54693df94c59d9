import { CheckRequest } from '../../src/contract/check.js';
import { Breaker } from './breaker.js';
import { answer } from './calls/answer.js';
import { check } from './calls/check.js';
import { outcome } from './calls/outcome.js';
import { escalate } from './calls/escalate.js';
import { review } from './calls/review.js';
import { watchReview } from './calls/watch-review.js';
import { type Clock, systemClock, within } from './clock.js';
import { delivery } from './delivery.js';
import { ClosedError, ValidationError } from './errors.js';
import { type Credentials, keyCredentials, tokenCredentials } from './credentials.js';
import { InFlight } from './in-flight.js';
import { memoryOutbox } from './outbox/memory.js';
import { errorOf, Outbox } from './outbox/outbox.js';
import { OfflineRules } from './rules/offline-rules.js';
import { RuleRefresh } from './rules/refresh.js';
import { settingsOf } from './settings.js';
import { TillMemory } from './till-memory.js';
import type { TillParts } from './till-parts.js';
import { createApi } from './transport.js';
import type { TillClient, TillClientOptions } from './types.js';
import { parse } from './validate.js';

const noop = () => {};

function credentialsOf(options: Pick<TillClientOptions, 'apiKey' | 'getToken'>, clock: Clock): Credentials {
  const { apiKey, getToken } = options;
  if ((apiKey === undefined) === (getToken === undefined)) throw new ValidationError([{ field: 'apiKey', code: 'custom', message: 'Give apiKey or getToken' }]);
  return getToken ? tokenCredentials(getToken, clock) : keyCredentials(apiKey!);
}

/**
 * A till client: builds its parts, loads what the last run left, and hands each call to its module
 * (`calls/check.ts`, `calls/answer.ts`, `calls/outcome.ts`). Open until `close()`.
 */
export function createTillClient(options: TillClientOptions): TillClient {
  // Checked before anything starts: a till with a bad id must not load its outbox or set a timer.
  const storeId = parse(CheckRequest.shape.storeId, options.storeId);
  const tillId = parse(CheckRequest.shape.tillId, options.tillId);
  const settings = settingsOf(options);
  const clock = options.clock ?? systemClock;
  const credentials = credentialsOf(options, clock);
  const api = createApi({
    baseUrl: options.baseUrl,
    credentials,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    clock,
  });
  const breaker = new Breaker(clock, settings.breakAfter, settings.breakForMs);
  const memory = new TillMemory(clock, settings.holdDeadlineMs);
  const rules = new OfflineRules(options.rules);
  const storage = options.outbox ?? memoryOutbox();
  const outbox = new Outbox({ storage, clock, ...delivery(api, settings.deliveryTimeoutMs, breaker, memory, clock), onDeadLetter: options.onDeadLetter });
  const inFlight = new InFlight(clock);
  const stopping = new AbortController();
  const refresh = new RuleRefresh({
    api,
    clock,
    rules,
    storage,
    timeoutMs: settings.deliveryTimeoutMs,
    whenIdle: () => inFlight.whenIdle(),
    stop: stopping.signal,
    everyMs: settings.refreshRulesMs,
    retryMs: settings.refreshRetryMs,
  });

  let state: 'open' | 'closing' | 'closed' = 'open';
  let closing: Promise<void> | undefined;
  const assertOpen = () => {
    if (state !== 'open') throw new ClosedError('The till client is closed');
  };

  let loaded = false;
  const ready = (async () => {
    const stored = await outbox.start();
    if (stored.ruleSet) rules.adopt(stored.ruleSet);
    memory.rebuild(stored.entries, (checkRef) => outbox.serviceId(checkRef));
    loaded = true;
    if (settings.refreshRulesMs > 0) refresh.start();
  })();
  ready.catch(noop); // Every call awaits it and sees the error.

  const till: TillParts = {
    storeId,
    tillId,
    settings,
    clock,
    api,
    breaker,
    outbox,
    rules,
    memory,
    ready,
    assertOpen,
    closing: stopping.signal,
  };

  return {
    ready: () => ready,
    check: (basket) => inFlight.track(() => check(till, basket)),
    answer: (checkId, answers) => inFlight.track(() => answer(till, checkId, answers)),
    outcome: (checkId, input) => inFlight.track(() => outcome(till, checkId, input)),
    review: (checkId, input) => inFlight.track(() => review(till, checkId, input)),
    escalate: (checkId, input) => inFlight.track(() => escalate(till, checkId, input)),
    // Not tracked: a watch may run for minutes, and closing the client ends it.
    watchReview: (checkId, options) => watchReview(till, checkId, options),
    async flush() {
      assertOpen();
      await ready;
      return outbox.flush();
    },
    close() {
      if (closing) return closing;
      state = 'closing';
      refresh.cancel();
      stopping.abort();
      credentials.close();
      closing = (async () => {
        await ready.catch(noop);
        await within(clock, inFlight.whenIdle(), settings.timeoutMs); // Calls in flight resolve within their budget; let them finish.
        await within(clock, outbox.flush(), settings.closeTimeoutMs);
        outbox.stop();
        await storage.close();
        state = 'closed';
      })();
      return closing;
    },
    async refreshRules() {
      assertOpen();
      await ready;
      return refresh.now();
    },
    // Until the outbox is read, what an earlier run queued and the rule set it saved are unknown: say so, not 0 and `bundled`.
    ruleSet: () => (loaded ? rules.info : undefined),
    pending: () => (loaded ? outbox.pending : undefined),
    deadLetters: () => outbox.deadLetters().map((letter) => ({ ...letter, error: errorOf(letter.failure) })),
  };
}
