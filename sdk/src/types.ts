import type { Escalation, EscalationRequest } from '../../src/contract/escalations.js';
import type { z } from 'zod';
import type { AnswersRequest } from '../../src/contract/answers.js';
import type { CheckInput } from '../../src/contract/check.js';
import type { Decision, Prompt } from '../../src/contract/decision.js';
import type { OutcomeRecord, OutcomeRequest } from '../../src/contract/outcome.js';
import type { ReviewRequest } from '../../src/contract/review.js';
import type { Review } from '../../src/contract/review-state.js';
import type { RuleSetSource } from '../../src/contract/rule-file.js';
import type { Clock } from './clock.js';
import type { TokenSource } from './credentials.js';
import type { VouchsafeError } from './errors.js';
import type { LocalDecision } from './offline/decide.js';
import type { DeadLetter } from './outbox/entry.js';
import type { FlushResult } from './outbox/outbox.js';
import type { OutboxStorage } from './outbox/storage.js';
import type { RuleSetInfo } from './rules/offline-rules.js';
import type { Fetch } from './transport.js';

/** The till client's public types. The request and decision shapes come from the service's contract. */

/** A basket as the till has it: the check request without what the client fills in itself. */
export type Basket = Omit<CheckInput, 'storeId' | 'tillId' | 'offlineDecision'>;
export type Answers = AnswersRequest['answers'];
/** A supervisor's decision at the till: `release` needs `supervisorRef`, and a `reason` above the rule set's value line. */
export type ReviewInput = Omit<z.input<typeof ReviewRequest>, 'decidedAt'>;

/**
 * Where a held sale stands, and what the colleague does now. `review.deadline` is when it counts as
 * refused if nobody decides; show it while the review is `open`.
 */
export interface HoldState {
  checkId: string;
  review: Review;
  /**
   * `released`: null, finish the sale. `refused` or `expired`: the refusal script — do not sell the
   * stored-value lines.
   */
  prompt: Prompt | null;
  /** `service`: as the service has it. `till`: the till's own record while the service is away (a release made here is queued for it). */
  source: 'service' | 'till';
  /** With `source: 'till'`: why the service's word was not used. */
  cause?: VouchsafeError;
}

export interface WatchOptions {
  /** Stop watching: the promise rejects with this signal's reason. */
  signal?: AbortSignal;
}
export type OutcomeInput = z.input<typeof OutcomeRequest>;

/** A decision, and where it came from. Offline, `checkId` may be a `local_…` id; pass it to `answer()` and `outcome()` as it is. */
export type TillDecision =
  | (Decision & { source: 'service' })
  | (Decision & {
      source: 'offline';
      /** `rules`: decided with the rule set; `fallback`: none could run, so the built-in prompt. */
      engine: LocalDecision['engine'];
      /** Why the service's decision was not used: a TimeoutError, ConnectionError, ServerError, … */
      cause: VouchsafeError;
    });

export type OutcomeReceipt =
  | { status: 'recorded'; record: OutcomeRecord }
  /** Stored in the outbox; it will be delivered when the service can be reached. */
  | { status: 'queued'; cause: VouchsafeError }
  /** The service refused it for good (e.g. ConflictError: a different outcome is already recorded). */
  | { status: 'dead_lettered'; error: VouchsafeError };

export type EscalationInput = z.input<typeof EscalationRequest>;

export type EscalationReceipt =
  | { status: 'recorded'; escalation: Escalation }
  /** Stored in the outbox; it will be delivered when the service can be reached. */
  | { status: 'queued'; cause: VouchsafeError }
  /** The service refused it for good. */
  | { status: 'dead_lettered'; error: VouchsafeError };

export type DeadLetterView = DeadLetter & { error: VouchsafeError };

export interface TillClientOptions {
  /** Where the service is, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** A till key for `storeId`: for a till on a machine the store controls. Give this or `getToken`. */
  apiKey?: string;
  /**
   * For a till in a browser, which should never hold a long-lived key: a source of short-lived till
   * tokens for this till, which the store's back office mints with its key (`POST /v1/till-tokens`)
   * and hands on. Called when the client starts, again once 80% of a token's life has passed, and
   * when the service answers `token_expired`. Give this or `apiKey`.
   */
  getToken?: TokenSource;
  storeId: string;
  tillId: string;
  /** `check()` and `answer()` resolve within this, whatever the network does. */
  timeoutMs?: number;
  /** Where queued requests wait. Default: in memory, lost on restart; in Node use `sqliteOutbox(path)`. */
  outbox?: OutboxStorage;
  fetch?: Fetch;
  /** The rule set to decide offline with until the service gives one. Default: the one bundled with the SDK. */
  rules?: RuleSetSource;
  /** Called when an outbox entry is set aside for good. */
  onDeadLetter?: (letter: DeadLetter, error: VouchsafeError) => void;
  /** Time allowed for each background request (outbox delivery, rule refresh). */
  deliveryTimeoutMs?: number;
  /** How long `close()` may spend delivering what is queued. */
  closeTimeoutMs?: number;
  /** How often to ask the service for its rule set; 0 never asks. */
  refreshRulesMs?: number;
  /**
   * After this many requests in a row the service failed to answer, checks and answers decide offline
   * at once (cause: `ServiceAwayError`) for `breakForMs`, or until the outbox reaches the service. Default 3; 0 never.
   */
  breakAfter?: number;
  /** Default 10,000. */
  breakForMs?: number;
  /**
   * How long a hold decided offline waits for a supervisor before it counts as refused. Default 5
   * minutes, the service's default; once the service holds a sale, the till uses the service's deadline.
   */
  holdDeadlineMs?: number;
  /** How often `watchReview()` asks the service where a hold stands. Default 1,000. */
  reviewPollMs?: number;
  /**
   * What every wait runs on: the budget, each attempt's timeout, back-off, the breaker's pause, the
   * outbox's and the rule refresh's timers. Default: `performance.now()` and the global timers.
   * Inject a virtual one to test a till's timing without waiting.
   */
  clock?: Clock;
}

export interface TillClient {
  /**
   * Resolves once the client has read its outbox storage: the entries an earlier run left queued, and
   * the rule set it last had from the service. Every call waits for this itself; await it before
   * showing `pending()` or `ruleSet()`. Rejects if the storage cannot be read (every call then fails too).
   */
  ready(): Promise<void>;
  /** The decision for a basket, from the service or, when it cannot answer in time, from the till itself. */
  check(basket: Basket): Promise<TillDecision>;
  /** The colleague's answers to the prompt's questions, and the new decision. */
  answer(checkId: string, answers: Answers): Promise<TillDecision>;
  /**
   * What happened. Stored before it is sent, so it is never lost; never throws for network trouble. A
   * sale (`proceeded`, `proceeded_after_warning`) after a refusal or an unreleased hold is dead-lettered
   * at once, as the service would refuse it.
   */
  outcome(checkId: string, outcome: OutcomeInput): Promise<OutcomeReceipt>;
  /**
   * A supervisor's release or refusal of a held sale, made at the till. Stored before it is sent:
   * with the service away it is the till's record (`source: 'till'`), delivered later with the time
   * it was made, so a release made before the deadline stands. After the deadline, or once the hold
   * is decided, resolves with the hold as it stands instead.
   */
  review(checkId: string, input: ReviewInput): Promise<HoldState>;
  /**
   * What the colleague did for the customer (a hand-off action: called the police, the bank on 159,
   * the family, the card's company). Stored before it is sent, so it is never lost; the service opens
   * the check's case if it has none and tells loss prevention at once (`case.escalated`).
   */
  escalate(checkId: string, input: EscalationInput): Promise<EscalationReceipt>;
  /**
   * Resolves when a held sale is released, refused or expired, wherever that was decided (a
   * supervisor's handheld): asks the service every `reviewPollMs`, and with the service away expires
   * it on the till at its deadline.
   */
  watchReview(checkId: string, options?: WatchOptions): Promise<HoldState>;
  /** Delivers what is queued, in order, as far as the service lets it. */
  flush(): Promise<FlushResult>;
  /** Stops timers, delivers what it can within `closeTimeoutMs`, and closes the outbox storage. */
  close(): Promise<void>;
  /** Asks the service for its rule set now (it is also asked on start and every `refreshRulesMs`). */
  refreshRules(): Promise<RuleSetInfo>;
  /** The rule set offline decisions use; `undefined` until `ready()` resolves (the one saved by an earlier run may not be read yet). */
  ruleSet(): RuleSetInfo | undefined;
  /** Entries waiting in the outbox; `undefined` until `ready()` resolves (an earlier run's entries may not be read yet). */
  pending(): number | undefined;
  deadLetters(): DeadLetterView[];
}

export type { Clock, FlushResult, RuleSetInfo };
