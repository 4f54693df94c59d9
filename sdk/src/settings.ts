import type { TillClientOptions } from './types.js';

/** The client's timings, with every default in one place. */
export interface Settings {
  /** The budget of `check()` and `answer()`. */
  timeoutMs: number;
  /** Kept back from the network, out of the budget, for the offline decision and its write to the outbox. */
  reserveMs: number;
  deliveryTimeoutMs: number;
  closeTimeoutMs: number;
  /** 0: never ask for the rule set by itself. */
  refreshRulesMs: number;
  /** After a failed rule refresh (a till that started offline), the next try. */
  refreshRetryMs: number;
  /** 0: the breaker never opens. */
  breakAfter: number;
  breakForMs: number;
  /** How long an offline hold waits for a supervisor, until a held decision from the service says otherwise. */
  holdDeadlineMs: number;
  /** How often `watchReview()` asks the service. */
  reviewPollMs: number;
}

export function settingsOf(options: TillClientOptions): Settings {
  const timeoutMs = options.timeoutMs ?? 300;
  const refreshRulesMs = options.refreshRulesMs ?? 15 * 60_000;
  return {
    timeoutMs,
    reserveMs: Math.min(25, timeoutMs / 5),
    deliveryTimeoutMs: options.deliveryTimeoutMs ?? 5_000,
    closeTimeoutMs: options.closeTimeoutMs ?? 2_000,
    refreshRulesMs,
    refreshRetryMs: Math.min(refreshRulesMs, 60_000),
    breakAfter: options.breakAfter ?? 3,
    breakForMs: options.breakForMs ?? 10_000,
    holdDeadlineMs: options.holdDeadlineMs ?? 5 * 60_000,
    reviewPollMs: options.reviewPollMs ?? 1_000,
  };
}
