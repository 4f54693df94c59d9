import type { z } from 'zod';
import type { AnswersRequest } from '../../src/contract/answers.js';
import type { CheckInput } from '../../src/contract/check.js';
import type { Decision } from '../../src/contract/decision.js';
import type { OutcomeRecord, OutcomeRequest } from '../../src/contract/outcome.js';
import type { RuleSetSource } from '../../src/contract/rule-file.js';
import type { Clock } from './clock.js';
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

export type DeadLetterView = DeadLetter & { error: VouchsafeError };

export interface TillClientOptions {
  /** Where the service is, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** A till key for `storeId`. */
  apiKey: string;
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
   * What every wait runs on: the budget, each attempt's timeout, back-off, the breaker's pause, the
   * outbox's and the rule refresh's timers. Default: `performance.now()` and the global timers.
   * Inject a virtual one to test a till's timing without waiting.
   */
  clock?: Clock;
}

export interface TillClient {
  /** The decision for a basket, from the service or, when it cannot answer in time, from the till itself. */
  check(basket: Basket): Promise<TillDecision>;
  /** The colleague's answers to the prompt's questions, and the new decision. */
  answer(checkId: string, answers: Answers): Promise<TillDecision>;
  /** What happened. Stored before it is sent, so it is never lost; never throws for network trouble. */
  outcome(checkId: string, outcome: OutcomeInput): Promise<OutcomeReceipt>;
  /** Delivers what is queued, in order, as far as the service lets it. */
  flush(): Promise<FlushResult>;
  /** Stops timers, delivers what it can within `closeTimeoutMs`, and closes the outbox storage. */
  close(): Promise<void>;
  /** Asks the service for its rule set now (it is also asked on start and every `refreshRulesMs`). */
  refreshRules(): Promise<RuleSetInfo>;
  /** The rule set offline decisions use. */
  ruleSet(): RuleSetInfo;
  /** Entries waiting in the outbox. */
  pending(): number;
  deadLetters(): DeadLetterView[];
}

export type { Clock, FlushResult, RuleSetInfo };
