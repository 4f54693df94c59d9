import { type Clock, unref } from '../clock.js';
import { InvalidResponseError } from '../errors.js';
import type { SavedRuleSet } from '../outbox/entry.js';
import type { OutboxStorage } from '../outbox/storage.js';
import type { Api } from '../transport.js';
import type { OfflineRules, RuleSetInfo } from './offline-rules.js';

export interface RuleRefreshOptions {
  api: Api;
  clock: Clock;
  rules: OfflineRules;
  /** Where the service's rule set is kept, so a till that restarts offline still decides with it. */
  storage: OutboxStorage;
  timeoutMs: number;
  /** Compiling blocks for tens of milliseconds: it waits until no call is. */
  whenIdle: () => Promise<void>;
  /** Abandons a request in flight when the client closes. */
  stop: AbortSignal;
  /** How often `start()` asks. */
  everyMs: number;
  /** After a failed ask (a till that started offline), the next. */
  retryMs: number;
}

/** Asks the service for its rule set (with its ETag), and takes the new one when it compiles. */
export class RuleRefresh {
  #timer: unknown;

  constructor(private readonly options: RuleRefreshOptions) {}

  async now(): Promise<RuleSetInfo> {
    const { api, rules, storage, timeoutMs, whenIdle, stop } = this.options;
    const response = await api.rules(rules.knownEtag, timeoutMs, stop);
    if (response === 'unchanged') return rules.info;
    const saved: SavedRuleSet = { ...(response.etag ? { etag: response.etag } : {}), source: response.ruleSet.source };
    await whenIdle();
    if (!rules.adopt(saved)) throw new InvalidResponseError(`The service's rule set ${response.ruleSet.version} does not compile in this SDK`);
    await storage.saveRuleSet(saved);
    return rules.info;
  }

  /** Asks now, then every `everyMs` until cancelled. */
  start(): void {
    this.#schedule(0);
  }

  cancel(): void {
    this.options.clock.clearTimeout(this.#timer);
  }

  #schedule(delayMs: number): void {
    const { clock, stop, everyMs, retryMs } = this.options;
    this.#timer = clock.setTimeout(() => {
      this.now().then(
        () => !stop.aborted && this.#schedule(everyMs),
        // Offline, or a rule set this SDK cannot run: keep deciding with the one in use, and ask again soon.
        () => !stop.aborted && this.#schedule(retryMs),
      );
    }, delayMs);
    unref(this.#timer);
  }
}
