import type { z } from 'zod';
import { AnswersRequest } from '../../src/contract/answers.js';
import { type CheckInput, CheckRequest } from '../../src/contract/check.js';
import { Identifier, StoreId } from '../../src/contract/common.js';
import type { Decision } from '../../src/contract/decision.js';
import { type FieldError, fieldErrors } from '../../src/contract/problem.js';
import { type OutcomeRecord, OutcomeRequest } from '../../src/contract/outcome.js';
import type { RuleSetSource } from '../../src/contract/rule-file.js';
import { basketTotals } from '../../src/engine/index.js';
import { ApiError, ClosedError, InvalidResponseError, isRetryable, UnknownCheckError, ValidationError, VouchsafeError } from './errors.js';
import { createApi, type Fetch } from './http.js';
import { localId } from './ids.js';
import { decideOffline, fallbackDecision, type LocalDecision } from './offline/decide.js';
import { identitiesOf, LocalHistory } from './offline/history.js';
import type { DeadLetter, OutboxEntry, SavedRuleSet } from './outbox/entry.js';
import { memoryOutbox } from './outbox/memory.js';
import { type Delivered, errorOf, type FlushResult, Outbox, within } from './outbox/outbox.js';
import type { OutboxStorage } from './outbox/storage.js';
import { monotonic, retryUntil } from './retry.js';
import { OfflineRules, type RuleSetInfo } from './rules/offline-rules.js';
import { type Transaction, Transactions } from './transactions.js';

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

const noop = () => {};
/** After a failed rule refresh (a till that started offline), the next try. */
const RULES_RETRY_MS = 60_000;

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

export function createTillClient(options: TillClientOptions): TillClient {
  const storeId = parse(StoreId, options.storeId);
  const tillId = parse(Identifier('till', 'T04'), options.tillId);
  const timeoutMs = options.timeoutMs ?? 300;
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 5_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 2_000;
  const refreshRulesMs = options.refreshRulesMs ?? 15 * 60_000;
  // Kept back from the network for the offline decision and its write to the outbox.
  const reserveMs = Math.min(25, timeoutMs / 5);

  const fetch: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const api = createApi({ baseUrl: options.baseUrl, apiKey: options.apiKey, fetch });
  const storage = options.outbox ?? memoryOutbox();
  const rules = new OfflineRules(options.rules);
  const history = new LocalHistory();
  const transactions = new Transactions();
  const stopping = new AbortController();
  let state: 'open' | 'closing' | 'closed' = 'open';
  let closing: Promise<void> | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  const outbox = new Outbox({
    storage,
    deliver(entry, checkId, stop) {
      if (entry.kind === 'check') return api.createCheck(entry.body, deliveryTimeoutMs, stop);
      // The outbox sets aside answers and outcomes whose check never got an id, so checkId is known here.
      if (entry.kind === 'answers') return api.answer(checkId!, entry.body, deliveryTimeoutMs, stop);
      return api.recordOutcome(checkId!, entry.body, deliveryTimeoutMs, stop);
    },
    onDelivered(entry, result, link) {
      const transaction = link && transactions.byCheckRef(link.localId);
      if (link && transaction) {
        transaction.checkId = link.checkId;
        transactions.index(transaction);
      }
      // The service knows more (other tills, other stores): a warning it gives counts here too.
      if (entry.kind === 'check' && 'action' in result && result.action !== 'allow') history.warn(entry.transactionId);
    },
    onDeadLetter: options.onDeadLetter,
  });

  // Compiling a new rule set blocks for tens of milliseconds, so it waits until no check or answer is waiting.
  let busy = 0;
  let idle: Array<() => void> = [];
  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    busy += 1;
    try {
      return await work();
    } finally {
      busy -= 1;
      if (busy === 0 && idle.length > 0) {
        const waiting = idle;
        idle = [];
        setTimeout(() => waiting.forEach((resolve) => resolve()), 0);
      }
    }
  }
  const whenIdle = () => (busy === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve)));

  const ready = start();
  ready.catch(noop); // Every call awaits it and sees the error.

  async function start(): Promise<void> {
    const stored = await outbox.start();
    if (stored.ruleSet) rules.adopt(stored.ruleSet);
    rebuild(stored.entries);
    if (refreshRulesMs > 0) scheduleRefresh(0);
  }

  /** After a restart: what the queued entries say about their transactions, for offline decisions and ordering. */
  function rebuild(entries: readonly OutboxEntry[]): void {
    for (const entry of entries) {
      if (entry.kind === 'check') {
        const occurredAt = Date.parse(entry.body.occurredAt ?? new Date(entry.enqueuedAt).toISOString());
        const transaction =
          transactions.get(entry.transactionId) ??
          transactions.put({
            transactionId: entry.transactionId,
            startedAt: occurredAt,
            checkId: outbox.serviceId(entry.checkRef),
            localId: entry.checkRef.startsWith('local_') ? entry.checkRef : undefined,
            request: entry.body,
            answers: {},
            revision: 0,
            serviceAction: undefined,
          });
        transaction.request = entry.body;
        transaction.revision += 1;
        recordPurchase(entry.transactionId, entry.body, entry.body.offlineDecision?.action !== 'allow');
      } else if (entry.kind === 'answers') {
        const transaction = transactions.byCheckRef(entry.checkRef);
        if (transaction) {
          transaction.answers = { ...transaction.answers, ...entry.body.answers };
          transaction.revision += 1;
        }
      }
    }
  }

  function recordPurchase(transactionId: string, request: CheckRequest, warned: boolean): void {
    const transaction = transactions.get(transactionId);
    history.record(transactionId, {
      identities: identitiesOf(request.customer),
      occurredAt: transaction?.startedAt ?? Date.parse(request.occurredAt ?? new Date().toISOString()),
      storedValue: basketTotals(request.lines).storedValue,
      warned,
    });
  }

  function assertOpen(): void {
    if (state !== 'open') throw new ClosedError('The till client is closed');
  }

  /** Every queued entry for the same check or transaction: a new request must not overtake them. */
  function sameCheck(transaction: Transaction | undefined, checkRef: string | undefined) {
    const refs = new Set([checkRef, transaction?.checkId, transaction?.localId].filter((ref): ref is string => ref !== undefined));
    return (entry: OutboxEntry) =>
      (transaction !== undefined && entry.transactionId === transaction.transactionId) ||
      refs.has(entry.checkRef) ||
      refs.has(outbox.serviceId(entry.checkRef) ?? '');
  }

  function validateAnswers(answers: Answers): void {
    const prompts = rules.current?.prompts;
    if (!prompts) return;
    const errors: FieldError[] = [];
    for (const [question, value] of Object.entries(answers)) {
      const allowed = prompts.answerValues.get(question);
      if (!allowed) errors.push({ field: `answers.${question}`, code: 'unknown_question', message: `No question "${question}"` });
      else if (!allowed.has(value)) {
        errors.push({ field: `answers.${question}`, code: 'invalid_answer', message: `"${value}" is not an answer; answers are ${[...allowed].join(', ')}` });
      }
    }
    if (errors.length > 0) throw new ValidationError(errors);
  }

  /** Queues an entry the service may take later, or sets it aside now if the service refused it for good. */
  async function keep(entry: OutboxEntry, cause: VouchsafeError): Promise<void> {
    if (cause instanceof ApiError && !isRetryable(cause)) await outbox.bury(entry, cause);
    else await outbox.append(entry);
  }

  function offlineTillDecision(transaction: Transaction | undefined, checkId: string, local: LocalDecision, cause: VouchsafeError): TillDecision {
    return {
      checkId,
      storeId,
      transactionId: transaction?.transactionId ?? '',
      revision: transaction?.revision ?? 1,
      action: local.action,
      score: local.score,
      reasons: local.reasons,
      prompt: local.prompt,
      ruleSetVersion: local.ruleSetVersion,
      evaluatedAt: new Date().toISOString(),
      source: 'offline',
      engine: local.engine,
      cause,
    };
  }

  function decideLocally(transaction: Transaction): LocalDecision {
    const { request } = transaction;
    return decideOffline(rules.current, {
      check: request,
      answers: transaction.answers,
      history: history.windows(identitiesOf(request.customer), transaction.startedAt, transaction.transactionId),
      floor: transaction.serviceAction,
    });
  }

  async function check(basket: Basket): Promise<TillDecision> {
    const deadline = monotonic() + timeoutMs - reserveMs;
    assertOpen();
    // The till never sets offlineDecision itself: only an offline replay may carry it.
    const { offlineDecision: _ignored, ...rest } = basket as CheckInput;
    const request = parse(CheckRequest, { ...rest, storeId, tillId });
    await ready;

    const transaction =
      transactions.get(request.transactionId) ??
      transactions.put({
        transactionId: request.transactionId,
        startedAt: request.occurredAt ? Date.parse(request.occurredAt) : Date.now(),
        checkId: undefined,
        localId: undefined,
        request,
        answers: {},
        revision: 0,
        serviceAction: undefined,
      });
    transaction.request = request;

    let cause = await outbox.whenClear(sameCheck(transaction, undefined), deadline);
    if (!cause) {
      try {
        const decision = await retryUntil(deadline, (left) => api.createCheck(request, left));
        transaction.checkId = decision.checkId;
        transaction.revision = decision.revision;
        transaction.serviceAction = decision.action;
        transactions.index(transaction);
        recordPurchase(transaction.transactionId, request, decision.action !== 'allow');
        outbox.nudge();
        return { ...decision, source: 'service' };
      } catch (error) {
        if (!(error instanceof VouchsafeError)) throw error;
        cause = error;
      }
    }

    if (!transaction.checkId && !transaction.localId) {
      transaction.localId = localId('local');
      transactions.index(transaction);
    }
    const checkRef = (transaction.checkId ?? transaction.localId)!;
    transaction.serviceAction = undefined; // The service has not seen this basket.
    const local = decideLocally(transaction);
    transaction.revision += 1;
    recordPurchase(transaction.transactionId, request, local.action !== 'allow');
    const decision = offlineTillDecision(transaction, checkRef, local, cause);
    await keep(
      {
        v: 1,
        id: localId('obx'),
        kind: 'check',
        enqueuedAt: Date.now(),
        transactionId: transaction.transactionId,
        checkRef,
        body: {
          ...request,
          // Replayed later, the check must land in the customer's history when it happened.
          occurredAt: request.occurredAt ?? new Date(transaction.startedAt).toISOString(),
          offlineDecision: { action: local.action, ruleSetVersion: local.ruleSetVersion, decidedAt: decision.evaluatedAt },
        },
      },
      cause,
    );
    return decision;
  }

  /** The check a caller's id names, or UnknownCheckError for a local id this till cannot place. */
  function locate(checkId: string) {
    const transaction = transactions.byCheckRef(checkId);
    const serviceId = outbox.serviceId(checkId) ?? transaction?.checkId;
    if (!transaction && !serviceId) throw new UnknownCheckError(`This till has no check ${checkId}`);
    return { transaction, serviceId };
  }

  async function answer(checkId: string, answers: Answers): Promise<TillDecision> {
    const deadline = monotonic() + timeoutMs - reserveMs;
    assertOpen();
    const body = parse(AnswersRequest, { answers });
    await ready;
    validateAnswers(body.answers);
    const { transaction } = locate(checkId);

    let cause = await outbox.whenClear(sameCheck(transaction, checkId), deadline);
    // Delivering the queue may just have given a local check its service id.
    const serviceId = outbox.serviceId(checkId) ?? transaction?.checkId;
    if (!cause) {
      if (!serviceId) {
        cause = new VouchsafeError(`The check ${checkId} was dead-lettered, so the service cannot take answers for it`);
      } else {
        try {
          const decision = await retryUntil(deadline, (left) => api.answer(serviceId, body, left));
          if (transaction) {
            transaction.answers = { ...transaction.answers, ...body.answers };
            transaction.revision = decision.revision;
            transaction.serviceAction = decision.action;
            recordPurchase(transaction.transactionId, transaction.request, decision.action !== 'allow');
          }
          outbox.nudge();
          return { ...decision, source: 'service' };
        } catch (error) {
          if (!(error instanceof VouchsafeError)) throw error;
          cause = error;
        }
      }
    }

    const checkRef = serviceId ?? checkId;
    let local: LocalDecision;
    if (transaction) {
      transaction.answers = { ...transaction.answers, ...body.answers };
      transaction.revision += 1;
      local = decideLocally(transaction);
      recordPurchase(transaction.transactionId, transaction.request, local.action !== 'allow');
    } else {
      local = fallbackDecision(undefined); // A check from before a restart: its basket is not known here.
    }
    await keep(
      { v: 1, id: localId('obx'), kind: 'answers', enqueuedAt: Date.now(), ...(transaction ? { transactionId: transaction.transactionId } : {}), checkRef, body },
      cause,
    );
    return offlineTillDecision(transaction, checkRef, local, cause);
  }

  async function outcome(checkId: string, input: OutcomeInput): Promise<OutcomeReceipt> {
    const deadline = monotonic() + timeoutMs;
    assertOpen();
    const body = parse(OutcomeRequest, input);
    await ready;
    const { transaction, serviceId } = locate(checkId);
    const entry: OutboxEntry = {
      v: 1,
      id: localId('obx'),
      kind: 'outcome',
      enqueuedAt: Date.now(),
      ...(transaction ? { transactionId: transaction.transactionId } : {}),
      checkRef: serviceId ?? checkId,
      body,
    };
    const { settled } = await outbox.append(entry);
    const blocked = await outbox.whenClear((queued) => queued.id === entry.id, deadline);
    if (blocked) return { status: 'queued', cause: blocked };
    const settlement = await settled;
    if (settlement.status === 'dead_lettered') return { status: 'dead_lettered', error: settlement.error };
    return { status: 'recorded', record: settlement.result as OutcomeRecord }; // An outcome entry delivers an OutcomeRecord.
  }

  async function refreshRules(): Promise<RuleSetInfo> {
    assertOpen();
    await ready;
    const response = await api.rules(rules.knownEtag, deliveryTimeoutMs, stopping.signal);
    if (response === 'unchanged') return rules.info;
    const saved: SavedRuleSet = { ...(response.etag ? { etag: response.etag } : {}), source: response.ruleSet.source };
    await whenIdle();
    if (!rules.adopt(saved)) throw new InvalidResponseError(`The service's rule set ${response.ruleSet.version} does not compile in this SDK`);
    await storage.saveRuleSet(saved);
    return rules.info;
  }

  function scheduleRefresh(delayMs: number): void {
    refreshTimer = setTimeout(() => {
      refreshRules().then(
        () => state === 'open' && scheduleRefresh(refreshRulesMs),
        // Offline, or a rule set this SDK cannot run: keep deciding with the one in use, and ask again soon.
        () => state === 'open' && scheduleRefresh(Math.min(refreshRulesMs, RULES_RETRY_MS)),
      );
    }, delayMs);
    (refreshTimer as { unref?: () => void }).unref?.();
  }

  return {
    check: (basket) => guarded(() => check(basket)),
    answer: (checkId, answers) => guarded(() => answer(checkId, answers)),
    outcome: (checkId, input) => guarded(() => outcome(checkId, input)),
    async flush() {
      assertOpen();
      await ready;
      return outbox.flush();
    },
    close() {
      if (closing) return closing;
      state = 'closing';
      clearTimeout(refreshTimer);
      stopping.abort();
      closing = (async () => {
        await ready.catch(noop);
        await within(whenIdle(), timeoutMs); // Calls in flight resolve within their budget; let them finish.
        await within(outbox.flush(), closeTimeoutMs);
        outbox.stop();
        await storage.close();
        state = 'closed';
      })();
      return closing;
    },
    refreshRules,
    ruleSet: () => rules.info,
    pending: () => outbox.pending,
    deadLetters: () => outbox.deadLetters().map((letter) => ({ ...letter, error: errorOf(letter.failure) })),
  };
}

export type { Delivered, FlushResult, RuleSetInfo };
