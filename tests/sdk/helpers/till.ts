import { onTestFinished, vi } from 'vitest';
import { type Basket, createTillClient, type TillClient, type TillClientOptions } from '../../../sdk/src/index.js';
import { VirtualClock } from './clock.js';
import { type Fault, faultyNetwork } from './faults.js';
import type { ServiceOptions } from '../../../src/services.js';
import { liveService, STORE } from './service.js';

let sequence = 0;
/** The seed's Markyate case: an 87-year-old buying £500 of iTunes vouchers to pay a fake HMRC bill. Held, with the script. */
export const markyate = (overrides: Partial<Basket> = {}): Basket => ({
  transactionId: `sale-${(sequence += 1)}`,
  currency: 'GBP',
  lines: [{ kind: 'gift_card', description: 'iTunes £100', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
  tender: 'cash',
  customer: { ageBand: '80_plus', ageSource: 'staff_estimate' },
  ...overrides,
});

/** What every test till starts from; a test overrides what it is about. */
export const TILL_DEFAULTS = {
  storeId: STORE,
  tillId: 'T04',
  timeoutMs: 300,
  refreshRulesMs: 0,
  deliveryTimeoutMs: 500,
  closeTimeoutMs: 200,
} satisfies Partial<TillClientOptions>;

export interface TillWorldOptions {
  /** The network's standing fault at the start. Default `pass`. */
  fault?: Fault;
  rulesDirectory?: string;
  /**
   * Where each back-off lands in its jitter, 0 (the shortest wait) to just under 1. Pinned, so a test
   * can write down the schedule of attempts; the jitter itself has its property test in retry.test.ts.
   */
  jitter?: number;
  /** When to stop the service and close the tills; default when the test ends (pass `afterAll` for a shared world). */
  cleanUp?: (work: () => Promise<void>) => void;
  /** The service's clock and hold deadline (see liveService). */
  serviceClock?: () => number;
  holdDeadlineMs?: number;
  /** The service's card capture (see liveService). */
  cards?: ServiceOptions['cards'];
}

/**
 * The world an SDK test runs in: the real service on a loopback port, a network the test controls
 * in front of it, and a virtual clock every till and the network run on. `open()` makes a till.
 */
export async function tillWorld(options: TillWorldOptions = {}) {
  const cleanUp = options.cleanUp ?? onTestFinished;
  const jitter = vi.spyOn(Math, 'random').mockReturnValue(options.jitter ?? 0);
  cleanUp(async () => jitter.mockRestore());
  const clock = new VirtualClock();
  const service = await liveService({
    ...(options.rulesDirectory ? { rulesDirectory: options.rulesDirectory } : {}),
    ...(options.serviceClock ? { clock: options.serviceClock } : {}),
    ...(options.holdDeadlineMs ? { holdDeadlineMs: options.holdDeadlineMs } : {}),
    ...(options.cards ? { cards: options.cards } : {}),
    cleanUp,
  });
  const network = faultyNetwork(clock, options.fault ?? 'pass');
  const apiKey = await service.tillKey();

  /** A till on the world's clock and network, closed at clean-up. */
  function open(more: Partial<TillClientOptions> = {}): TillClient {
    const till = onClock(createTillClient({ baseUrl: service.baseUrl, apiKey, ...TILL_DEFAULTS, fetch: network.fetch, clock, ...more }), clock);
    cleanUp(() => till.close());
    return till;
  }

  return { service, network, clock, apiKey, open };
}

/** The client with each call run on the clock: time moves on while a call is pending, as it would for a till. */
export function onClock(client: TillClient, clock: VirtualClock): TillClient {
  return {
    // Reading the outbox waits on storage, never on a timer: nothing for the clock to move.
    ready: () => client.ready(),
    check: (basket) => clock.run(client.check(basket)),
    answer: (checkId, answers) => clock.run(client.answer(checkId, answers)),
    outcome: (checkId, input) => clock.run(client.outcome(checkId, input)),
    review: (checkId, input) => clock.run(client.review(checkId, input)),
    escalate: (checkId, input) => clock.run(client.escalate(checkId, input)),
    watchReview: (checkId, options) => clock.run(client.watchReview(checkId, options)),
    flush: () => clock.run(client.flush()),
    close: () => clock.run(client.close()),
    refreshRules: () => clock.run(client.refreshRules()),
    ruleSet: () => client.ruleSet(),
    pending: () => client.pending(),
    deadLetters: () => client.deadLetters(),
  };
}

/** How long, on the clock, the call took, and what it gave. */
export async function timed<T>(clock: VirtualClock, call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = clock.now();
  const value = await call();
  return { value, ms: clock.now() - started };
}
