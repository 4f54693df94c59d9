import type { CheckRequest } from '../../src/contract/check.js';
import type { Action } from '../../src/contract/enums.js';

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

/** Recent transactions, newest last; old ones are forgotten (the outbox keeps what must be delivered). */
export class Transactions {
  private readonly byId = new Map<string, Transaction>();
  private readonly byRef = new Map<string, string>();

  constructor(private readonly capacity = 1000) {}

  get(transactionId: string): Transaction | undefined {
    return this.byId.get(transactionId);
  }

  /** The transaction a `chk_…` or `local_…` id names, if the till still remembers it. */
  byCheckRef(checkRef: string): Transaction | undefined {
    const transactionId = this.byRef.get(checkRef);
    return transactionId === undefined ? undefined : this.byId.get(transactionId);
  }

  put(transaction: Transaction): Transaction {
    this.byId.delete(transaction.transactionId);
    this.byId.set(transaction.transactionId, transaction);
    this.index(transaction);
    for (const [id, old] of this.byId) {
      if (this.byId.size <= this.capacity) break;
      this.byId.delete(id);
      for (const ref of [old.checkId, old.localId]) if (ref) this.byRef.delete(ref);
    }
    return transaction;
  }

  /** Call after giving a transaction a new id. */
  index(transaction: Transaction): void {
    for (const ref of [transaction.checkId, transaction.localId]) if (ref) this.byRef.set(ref, transaction.transactionId);
  }
}
