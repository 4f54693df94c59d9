import type { AuditRepository } from './audit.js';
import type { CasesRepository } from './cases.js';
import type { ChecksRepository } from './checks.js';
import type { HistoryRepository } from './history.js';
import type { IdempotencyKeysRepository } from './idempotency-keys.js';
import type { KeysRepository } from './keys.js';
import type { MetaRepository } from './meta.js';
import type { ReplayRepository } from './replay.js';
import type { ReportsRepository } from './reports.js';
import type { RetentionRepository } from './retention.js';
import type { ReviewsRepository } from './reviews.js';
import type { RuleHitsRepository } from './rule-hits.js';
import type { RuleSetsRepository } from './rule-sets.js';
import type { SessionsRepository } from './sessions.js';
import type { AreaAlertsRepository, StoresRepository } from './stores.js';
import type { WebhooksRepository } from './webhooks.js';

/**
 * A repository as the domain sees it: every call answers through a promise, so the database may be
 * another process (PostgreSQL) as well as a file in this one (SQLite); a cursor becomes an async
 * iterable, read as it is used. The SQLite repositories define the calls, and every adapter gives them.
 */
export type Port<T> = T extends (...args: infer A) => Generator<infer Row, unknown, unknown>
  ? (...args: A) => AsyncIterable<Row>
  : T extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : T extends object
      ? { readonly [K in keyof T]: Port<T[K]> }
      : T;

/** What a transaction, or the store outside one, can read and write. */
export interface Repositories {
  readonly checks: Port<ChecksRepository>;
  readonly history: Port<HistoryRepository>;
  readonly keys: Port<KeysRepository>;
  readonly audit: Port<AuditRepository>;
  readonly ruleSets: Port<RuleSetsRepository>;
  readonly replay: Port<ReplayRepository>;
  readonly ruleHits: Port<RuleHitsRepository>;
  readonly retention: Port<RetentionRepository>;
  readonly reports: Port<ReportsRepository>;
  readonly sessions: Port<SessionsRepository>;
  readonly idempotencyKeys: Port<IdempotencyKeysRepository>;
  readonly reviews: Port<ReviewsRepository>;
  readonly webhooks: Port<WebhooksRepository>;
  readonly cases: Port<CasesRepository>;
  readonly meta: Port<MetaRepository>;
  readonly stores: Port<StoresRepository>;
  readonly areaAlerts: Port<AreaAlertsRepository>;
}

/**
 * Thrown by a transaction's work when a row it read was changed meanwhile by another transaction that
 * has since committed (a guarded update found the row no longer as read). Only PostgreSQL lets that
 * happen, and there the store runs the work again from the start, as if it had come second — as when
 * the database itself says two writers collided — so the work decides on what the other one wrote.
 */
export class WriteCollision extends Error {
  override name = 'WriteCollision';
}

/** Something every node must hear at once: a rule set published or rolled back, a key revoked, a store changed. */
export type StoreEvent = 'rule_sets' | 'keys' | 'stores';

/** The only door to the database: SQLite in this process, or PostgreSQL shared by several nodes. */
export interface Store extends Repositories {
  /** `sqlite` (one process owns the file) or `postgres` (any number of nodes share the database). */
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Where the database is (a file path, `:memory:`, or a postgres:// URL), for readers beside the
   * service such as an export or back-test worker, which open it themselves.
   */
  readonly location: string;
  /**
   * Runs `work` in one transaction: all of its writes land, or none do. Inside, use `tx`, never the
   * store itself. It may be run again from the start if the database says two writers collided.
   * A call that fails fails the whole transaction, even if the work catches it and goes on (on
   * PostgreSQL the server has aborted it): never catch a store error inside one to carry on.
   * Calls made together (Promise.all) run in the order made, in one round trip where the database
   * is across a network.
   */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /**
   * Resolves once every transaction run so far is committed (at once, unless group commit is on);
   * rejects if that commit failed. Await it before telling anyone a write happened.
   */
  durable(): Promise<void>;
  /**
   * Tells every node (this one too) that `event` happened, once the current transactions commit;
   * `listen` hears it. With one process on SQLite that is this process alone.
   */
  notify(event: StoreEvent): Promise<void>;
  listen(event: StoreEvent, heard: () => void): void;
  /**
   * Runs `work` only if no other node is running the job `name` (a lease held for the length of the
   * work); answers undefined when another node has it. Background jobs use it so nodes never double up.
   */
  exclusively<T>(name: string, work: () => Promise<T>): Promise<T | undefined>;
  /** Throws if the database cannot answer. */
  ping(): Promise<void>;
  /**
   * Whether writes get through. After a storage failure (disk full, I/O error) it tries a small write
   * itself, so readiness recovers once there is room again, without waiting for a till.
   */
  writable(): Promise<{ ok: true } | { ok: false; reason: string }>;
  close(): Promise<void>;
}

function isGenerator(value: unknown): value is (...args: unknown[]) => Generator {
  return typeof value === 'function' && value.constructor.name === 'GeneratorFunction';
}

/** How a synchronous adapter's calls are run: a call at a time, a cursor read to its end in one go. */
export interface Access {
  call<R>(call: () => R): Promise<R>;
  cursor<R>(open: () => Iterator<R>): AsyncIterable<R>;
}

/** A synchronous repository as a port. */
export function asPort<T extends object>(repository: T, access: Access): Port<T> {
  const port: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repository)) {
    if (isGenerator(member)) {
      port[name] = (...args: unknown[]) => access.cursor(() => member.apply(repository, args));
    } else if (typeof member === 'function') {
      port[name] = (...args: unknown[]) => access.call(() => (member as (...a: unknown[]) => unknown).apply(repository, args));
    } else if (member !== null && typeof member === 'object') {
      port[name] = asPort(member, access);
    } else {
      port[name] = member;
    }
  }
  return port as Port<T>;
}

/** A context whose store is a transaction's: what code that must run inside a transaction takes. */
export type Within<C extends { readonly store: Store }> = Omit<C, 'store'> & { readonly store: Repositories };

/** `context` with its store swapped for the transaction's. */
export function within<C extends { readonly store: Store }>(context: C, tx: Repositories): Within<C> {
  return { ...context, store: tx };
}
