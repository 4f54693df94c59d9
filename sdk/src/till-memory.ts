import type { CheckRequest } from '../../src/contract/check.js';
import type { Action } from '../../src/contract/enums.js';
import { basketBrandFamily, basketTotals, type CompiledRuleSet } from '../../src/engine/index.js';
import type { Clock } from './clock.js';
import { closeHold, type Hold, opensHold } from './hold.js';
import { decideOffline, type LocalDecision } from './offline/decide.js';
import { identitiesOf, LocalHistory } from './offline/history.js';
import type { OutboxEntry } from './outbox/entry.js';

/** What the till remembers of one transaction, so it can decide offline and keep requests in order. */
export interface Transaction {
  readonly transactionId: string;
  /** When the till first sent it (epoch ms): the `occurredAt` of its offline replays. */
  readonly startedAt: number;
  /** The service's id, once the service has decided it. */
  checkId: string | undefined;
  /** The till's id, if it was first decided offline. */
  localId: string | undefined;
  request: CheckRequest;
  answers: Record<string, string>;
  revision: number;
  /** The service's last action on the current basket and answers; undefined once the till decided offline since. */
  serviceAction: Action | undefined;
  /** The hold's review, once the transaction was held (by the service or by the till). */
  hold: Hold | undefined;
}

/** `hold` with the basket a release of it covers: see TillMemory.setHold. */
function withCovers(transaction: Transaction, hold: Hold): Hold {
  if (hold.review.status !== 'released' || hold.covers) return hold;
  const previous = transaction.hold;
  const sameRelease = previous?.review.status === 'released' && previous.review.deadline === hold.review.deadline;
  const { currency, lines } = transaction.request;
  return { ...hold, covers: sameRelease && previous.covers ? previous.covers : { currency, lines } };
}

/**
 * What the till knows on its own: its recent transactions (newest kept, the oldest forgotten — the
 * outbox keeps whatever must still be delivered) and the purchases that make up its local history.
 * Memory only: after a restart it is rebuilt from the queued entries.
 */
export class TillMemory {
  private readonly byId = new Map<string, Transaction>();
  private readonly byRef = new Map<string, string>();
  private readonly history = new LocalHistory();
  private readonly holdWatchers = new Map<string, Set<() => void>>();

  /**
   * @param holdDeadlineMs how long a hold waits for a supervisor: the service's, once a held decision
   *   has shown it; until then the till's setting.
   */
  constructor(
    private readonly clock: Clock,
    public holdDeadlineMs: number,
    private readonly capacity = 1000,
  ) {}

  /** The transaction a basket belongs to, made on its first check. */
  transaction(request: CheckRequest, checkId?: string, localId?: string): Transaction {
    const known = this.byId.get(request.transactionId);
    if (known) {
      known.request = request;
      return known;
    }
    const transaction: Transaction = {
      transactionId: request.transactionId,
      startedAt: request.occurredAt ? Date.parse(request.occurredAt) : Date.now(),
      checkId,
      localId,
      request,
      answers: {},
      revision: 0,
      serviceAction: undefined,
      hold: undefined,
    };
    this.byId.set(transaction.transactionId, transaction);
    this.index(transaction);
    for (const [id, old] of this.byId) {
      if (this.byId.size <= this.capacity) break;
      this.byId.delete(id);
      for (const ref of [old.checkId, old.localId]) if (ref) this.byRef.delete(ref);
    }
    return transaction;
  }

  /** The transaction a `chk_…` or `local_…` id names, if the till still remembers it. */
  find(checkRef: string): Transaction | undefined {
    const transactionId = this.byRef.get(checkRef);
    return transactionId === undefined ? undefined : this.byId.get(transactionId);
  }

  /** Call after giving a transaction an id. */
  index(transaction: Transaction): void {
    for (const ref of [transaction.checkId, transaction.localId]) if (ref) this.byRef.set(ref, transaction.transactionId);
  }

  /** The purchase as the till's own history counts it; `warned` when any decision on it was not allow. */
  remember(transaction: Transaction, warned: boolean): void {
    this.history.record(transaction.transactionId, {
      identities: identitiesOf(transaction.request.customer),
      occurredAt: transaction.startedAt,
      storedValue: basketTotals(transaction.request.lines).storedValue,
      warned,
      family: basketBrandFamily(transaction.request.lines),
    });
  }

  /** The service warned about a purchase the till let through offline. */
  warn(transactionId: string): void {
    this.history.warn(transactionId);
  }

  /** The offline decision on the transaction as it stands, with the till's own history. */
  decide(transaction: Transaction, ruleSet: CompiledRuleSet | undefined): LocalDecision {
    const { request } = transaction;
    return decideOffline(ruleSet, {
      check: request,
      answers: transaction.answers,
      history: this.history.windows(identitiesOf(request.customer), transaction.startedAt, transaction.transactionId, basketBrandFamily(request.lines)),
      floor: transaction.serviceAction,
      // A hold stands until a supervisor releases it, offline as at the service.
      held: transaction.hold !== undefined && transaction.hold.review.status !== 'released',
    });
  }

  /**
   * Records what the till now knows of a transaction's hold, and wakes whoever watches it. A release
   * is taken to cover the basket the till has as it learns of it (the one the supervisor saw); the same
   * release learned again keeps the basket it was first made for.
   */
  setHold(transaction: Transaction, hold: Hold): void {
    transaction.hold = withCovers(transaction, hold);
    for (const wake of this.holdWatchers.get(transaction.transactionId) ?? []) wake();
  }

  /** Calls `wake` whenever the transaction's hold changes on this till, until the returned function is called. */
  watchHold(transaction: Transaction, wake: () => void): () => void {
    const watchers = this.holdWatchers.get(transaction.transactionId) ?? new Set();
    watchers.add(wake);
    this.holdWatchers.set(transaction.transactionId, watchers);
    return () => {
      watchers.delete(wake);
      if (watchers.size === 0) this.holdWatchers.delete(transaction.transactionId);
    };
  }

  /** After a restart: what the queued entries say about their transactions. */
  rebuild(entries: readonly OutboxEntry[], serviceId: (checkRef: string) => string | undefined): void {
    for (const entry of entries) {
      if (entry.kind === 'check') {
        const isLocal = entry.checkRef.startsWith('local_');
        const transaction = this.transaction(entry.body, serviceId(entry.checkRef), isLocal ? entry.checkRef : undefined);
        transaction.revision += 1;
        this.remember(transaction, entry.body.offlineDecision?.action !== 'allow');
        const offline = entry.body.offlineDecision;
        if (offline?.action === 'hold' && opensHold(transaction.hold, entry.body)) this.setHold(transaction, this.heldSince(Date.parse(offline.decidedAt)));
      } else if (entry.kind === 'review') {
        const transaction = this.find(entry.checkRef);
        if (transaction?.hold) {
          const at = entry.body.decidedAt ? Date.parse(entry.body.decidedAt) : Date.now();
          this.setHold(transaction, closeHold(transaction.hold, entry.body.decision === 'release' ? 'released' : 'refused', 'supervisor', { ...entry.body, at }));
        }
      } else if (entry.kind === 'answers') {
        const transaction = this.find(entry.checkRef);
        if (transaction) {
          transaction.answers = { ...transaction.answers, ...entry.body.answers };
          transaction.revision += 1;
        }
      }
    }
  }

  /** A hold the till opened at `openedAt` (wall time), as it stands now. */
  private heldSince(openedAt: number): Hold {
    const deadline = openedAt + this.holdDeadlineMs;
    return {
      review: { status: 'open', openedAt: new Date(openedAt).toISOString(), deadline: new Date(deadline).toISOString(), closedAt: null, closedBy: null, reason: null },
      deadlineAt: this.clock.now() + (deadline - Date.now()),
      source: 'till',
    };
  }
}
