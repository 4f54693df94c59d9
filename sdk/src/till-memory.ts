import type { CheckRequest } from '../../src/contract/check.js';
import type { Action } from '../../src/contract/enums.js';
import { basketTotals, type CompiledRuleSet } from '../../src/engine/index.js';
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

  constructor(private readonly capacity = 1000) {}

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
      history: this.history.windows(identitiesOf(request.customer), transaction.startedAt, transaction.transactionId),
      floor: transaction.serviceAction,
    });
  }

  /** After a restart: what the queued entries say about their transactions. */
  rebuild(entries: readonly OutboxEntry[], serviceId: (checkRef: string) => string | undefined): void {
    for (const entry of entries) {
      if (entry.kind === 'check') {
        const isLocal = entry.checkRef.startsWith('local_');
        const transaction = this.transaction(entry.body, serviceId(entry.checkRef), isLocal ? entry.checkRef : undefined);
        transaction.revision += 1;
        this.remember(transaction, entry.body.offlineDecision?.action !== 'allow');
      } else if (entry.kind === 'answers') {
        const transaction = this.find(entry.checkRef);
        if (transaction) {
          transaction.answers = { ...transaction.answers, ...entry.body.answers };
          transaction.revision += 1;
        }
      }
    }
  }
}
