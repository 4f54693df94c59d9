import type { z } from 'zod';
import { AnswersRequest } from '../../src/contract/answers.js';
import { type CheckInput, CheckRequest } from '../../src/contract/check.js';
import { type FieldError, fieldErrors } from '../../src/contract/problem.js';
import { type OutcomeRecord, OutcomeRequest } from '../../src/contract/outcome.js';
import {
  ApiError,
  ClosedError,
  ConnectionError,
  InvalidResponseError,
  isRetryable,
  ServerError,
  ServiceAwayError,
  UnknownCheckError,
  ValidationError,
  VouchsafeError,
} from './errors.js';
import { Breaker } from './breaker.js';
import { createApi, type Fetch } from './http.js';
import { localId } from './ids.js';
import { fallbackDecision, type LocalDecision } from './offline/decide.js';
import type { OutboxEntry, SavedRuleSet } from './outbox/entry.js';
import { memoryOutbox } from './outbox/memory.js';
import { errorOf, Outbox, within } from './outbox/outbox.js';
import { monotonic, retryUntil } from './retry.js';
import { OfflineRules, type RuleSetInfo } from './rules/offline-rules.js';
import { TillMemory, type Transaction } from './till-memory.js';
import type { Answers, Basket, OutcomeInput, OutcomeReceipt, TillClient, TillClientOptions, TillDecision } from './types.js';

const noop = () => {};
/** After a failed rule refresh (a till that started offline), the next try. */
const RULES_RETRY_MS = 60_000;

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

export function createTillClient(options: TillClientOptions): TillClient {
  const storeId = parse(CheckRequest.shape.storeId, options.storeId);
  const tillId = parse(CheckRequest.shape.tillId, options.tillId);
  const timeoutMs = options.timeoutMs ?? 300;
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 5_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 2_000;
  const refreshRulesMs = options.refreshRulesMs ?? 15 * 60_000;
  const breaker = new Breaker(options.breakAfter ?? 3, options.breakForMs ?? 10_000);
  // Kept back from the network for the offline decision and its write to the outbox.
  const reserveMs = Math.min(25, timeoutMs / 5);

  const fetch: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const api = createApi({ baseUrl: options.baseUrl, apiKey: options.apiKey, fetch });
  const storage = options.outbox ?? memoryOutbox();
  const rules = new OfflineRules(options.rules);
  const memory = new TillMemory();
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
      breaker.succeeded();
      const transaction = link && memory.find(link.localId);
      if (link && transaction) {
        transaction.checkId = link.checkId;
        memory.index(transaction);
      }
      // The service knows more (other tills, other stores): a warning it gives counts here too.
      if (entry.kind === 'check' && 'action' in result && result.action !== 'allow') memory.warn(entry.transactionId);
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
    memory.rebuild(stored.entries, (checkRef) => outbox.serviceId(checkRef));
    if (refreshRulesMs > 0) scheduleRefresh(0);
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

  /** Tells the breaker how a request to the service went: answered (even with a refusal), or not. */
  async function observed<T>(request: Promise<T>): Promise<T> {
    try {
      const value = await request;
      breaker.succeeded();
      return value;
    } catch (error) {
      if (error instanceof ConnectionError || error instanceof ServerError || error instanceof InvalidResponseError) breaker.failed();
      else breaker.succeeded();
      throw error;
    }
  }

  function serviceAway(): ServiceAwayError {
    return new ServiceAwayError('The service failed the last requests; deciding on the till until it answers again');
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

  async function check(basket: Basket): Promise<TillDecision> {
    const deadline = monotonic() + timeoutMs - reserveMs;
    assertOpen();
    // The till never sets offlineDecision itself: only an offline replay may carry it.
    const { offlineDecision: _ignored, ...rest } = basket as CheckInput;
    const request = parse(CheckRequest, { ...rest, storeId, tillId });
    await ready;

    const transaction = memory.transaction(request);

    let cause = await outbox.whenClear(sameCheck(transaction, undefined), deadline);
    if (!cause && breaker.isOpen()) cause = serviceAway();
    if (!cause) {
      try {
        const decision = await observed(retryUntil(deadline, (left) => api.createCheck(request, left)));
        transaction.checkId = decision.checkId;
        transaction.revision = decision.revision;
        transaction.serviceAction = decision.action;
        memory.index(transaction);
        memory.remember(transaction, decision.action !== 'allow');
        outbox.nudge();
        return { ...decision, source: 'service' };
      } catch (error) {
        if (!(error instanceof VouchsafeError)) throw error;
        cause = error;
      }
    }

    if (!transaction.checkId && !transaction.localId) {
      transaction.localId = localId('local');
      memory.index(transaction);
    }
    const checkRef = (transaction.checkId ?? transaction.localId)!;
    transaction.serviceAction = undefined; // The service has not seen this basket.
    const local = memory.decide(transaction, rules.current);
    transaction.revision += 1;
    memory.remember(transaction, local.action !== 'allow');
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
    const transaction = memory.find(checkId);
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
    if (!cause && breaker.isOpen()) cause = serviceAway();
    // Delivering the queue may just have given a local check its service id.
    const serviceId = outbox.serviceId(checkId) ?? transaction?.checkId;
    if (!cause) {
      if (!serviceId) {
        cause = new VouchsafeError(`The check ${checkId} was dead-lettered, so the service cannot take answers for it`);
      } else {
        try {
          const decision = await observed(retryUntil(deadline, (left) => api.answer(serviceId, body, left)));
          if (transaction) {
            transaction.answers = { ...transaction.answers, ...body.answers };
            transaction.revision = decision.revision;
            transaction.serviceAction = decision.action;
            memory.remember(transaction, decision.action !== 'allow');
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
      local = memory.decide(transaction, rules.current);
      memory.remember(transaction, local.action !== 'allow');
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

