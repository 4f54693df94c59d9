import { setTimeout as sleep } from 'node:timers/promises';
import { type Repositories, type Store, type StoreEvent, WriteCollision } from '../port.js';
import { storageHealth } from '../storage-health.js';
import { auditRepository } from './audit.js';
import { casesRepository } from './cases.js';
import { checksRepository } from './checks.js';
import { historyRepository } from './history.js';
import { idempotencyKeysRepository } from './idempotency-keys.js';
import { keysRepository } from './keys.js';
import { metaRepository } from './meta.js';
import { areaAlertsRepository, storesRepository } from './stores.js';
import { assertPostgresSchemaCurrent, migratePostgres } from './migrate.js';
import { type OutageGate, outageGate } from './outage.js';
import { replayRepository } from './replay.js';
import { type DatabaseWaits, observedGate } from './round-trips.js';
import { reportsRepository } from './reports.js';
import { retentionRepository } from './retention.js';
import { reviewsRepository } from './reviews.js';
import { ruleHitsRepository } from './rule-hits.js';
import { ruleSetsRepository } from './rule-sets.js';
import { sessionsRepository } from './sessions.js';
import { type Atomically, connect, type Queryable, redactedUrl, transactionOn } from './sql.js';
import { webhooksRepository } from './webhooks.js';
import { type StoreSpan, traced } from '../traced.js';

export { redactedUrl } from './sql.js';
export type { DatabaseWaits } from './round-trips.js';

export interface PostgresOpenOptions {
  /** A reader beside the service (a back-test worker): no migrations. */
  readonly?: boolean;
  /** Connections this node keeps open at most (VOUCHSAFE_DB_POOL, default 10); two more listen for events and hold background jobs' locks. */
  poolSize?: number;
  /** The running service: report roll-ups brought up to date in the background, by one node at a time. */
  background?: { onError: (error: unknown) => void };
  /** Tracing: each repository call and each transaction runs as a span through this. Unset, nothing is wrapped. */
  span?: StoreSpan;
  /** Told of each round trip to the database and the time spent waiting on it (the service's /metrics). Unset, nothing is observed. */
  waits?: DatabaseWaits;
}

export const DEFAULT_POOL_SIZE = 10;

/** The one channel every node listens on; the payload is the event's name. */
const CHANNEL = 'vouchsafe_events';
const EVENTS: ReadonlySet<string> = new Set<StoreEvent>(['rule_sets', 'keys', 'stores']);

/** Advisory lock keys of background jobs: this class, and the hash of the job's name ('vsjb' in ASCII). */
const JOB_LOCK_CLASS = 0x76736a62;

/**
 * How often a node offers to bring the report roll-ups up to date, and how many checks it takes at a
 * time (steps follow one another until one is not full). A step's upserts cost the server about the
 * same for ten checks as for a thousand, so fewer, fuller steps leave more of it to the tills (a
 * tenth less server time per check than every 250 ms, on the bench); a report catches up itself
 * before it reads, so it never shows the lag.
 */
const CATCH_UP_EVERY_MS = 1_000;
const CATCH_UP_STEP = 1_000;

/** Two writers collided (serialization failure, deadlock, the same unique key): the work runs again, as if it came second. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);
const ATTEMPTS = 5;

/**
 * Where the database cannot be reached or written: the network or the server gone (08…, 57P01-03, a
 * socket error), the server out of disk or memory (53…), an I/O error (58…), a standby after failover
 * (25006). These become StorageUnavailable, a 503 with Retry-After.
 */
const UNAVAILABLE = /^(08|53|58)|^(57P0[123]|25006)$|^(E[A-Z]+|CONNECT_TIMEOUT|CONNECTION_(CLOSED|ENDED|DESTROYED))$/;

/** The repositories on `sql`; `atomically` is how they run work that must be one transaction. */
function repositoriesOn(sql: Queryable, atomically: Atomically, span: StoreSpan | undefined): Repositories {
  const repositories: Repositories = {
    checks: checksRepository(sql),
    history: historyRepository(sql),
    keys: keysRepository(sql),
    audit: auditRepository(sql),
    ruleSets: ruleSetsRepository(sql),
    replay: replayRepository(sql),
    ruleHits: ruleHitsRepository(sql),
    retention: retentionRepository(sql),
    reports: reportsRepository(sql, atomically),
    sessions: sessionsRepository(sql),
    idempotencyKeys: idempotencyKeysRepository(sql),
    reviews: reviewsRepository(sql),
    webhooks: webhooksRepository(sql),
    cases: casesRepository(sql),
    meta: metaRepository(sql),
    stores: storesRepository(sql),
    areaAlerts: areaAlertsRepository(sql),
  };
  return span ? traced(repositories, 'postgresql', span) : repositories;
}

/** A repository's cursors are its async generator methods: their query runs as they are read. */
const isCursor = (member: unknown): member is (...args: unknown[]) => AsyncGenerator<unknown> =>
  Object.prototype.toString.call(member) === '[object AsyncGeneratorFunction]';

/**
 * Every call of `repository`, however deep, through the outage gate and with its failure passed
 * through `failed` (a lost connection becomes StorageUnavailable). A cursor's failures are passed too,
 * whether it cannot start or its connection is lost mid-read: so an export that cannot begin is a 503,
 * and one cut short ends in an error, never as if it were complete.
 */
function guarded<T>(repository: T, failed: (error: unknown) => unknown, gate: OutageGate): T {
  if (typeof repository !== 'object' || repository === null) return repository;
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repository as Record<string, unknown>)) {
    if (typeof member !== 'function') {
      wrapped[name] = guarded(member, failed, gate);
    } else if (isCursor(member)) {
      wrapped[name] = async function* (...args: unknown[]) {
        gate.check();
        try {
          yield* member.apply(repository, args);
        } catch (error) {
          throw failed(error);
        }
      };
    } else {
      wrapped[name] = (...args: unknown[]) =>
        gate.run(() =>
          Promise.resolve((member as (...args: unknown[]) => unknown).apply(repository, args)).catch((error: unknown) => {
            throw failed(error);
          }),
        );
    }
  }
  return wrapped as T;
}

/**
 * The store on a PostgreSQL database that any number of service nodes share. Commits are synchronous
 * (durable() has nothing to wait for); events go between nodes by LISTEN/NOTIFY; background jobs take
 * an advisory lock so that one node at a time runs each.
 */
export async function openPostgresStore(
  url: string,
  { readonly = false, poolSize = DEFAULT_POOL_SIZE, background, span, waits }: PostgresOpenOptions = {},
): Promise<Store> {
  const sql = connect(url, { max: poolSize });
  const health = storageHealth((code) => UNAVAILABLE.test(code));
  const failed = (error: unknown) => health.failed(error);
  const gate = waits ? observedGate(outageGate(), waits) : outageGate();
  const listeners = new Map<StoreEvent, Set<() => void>>();
  try {
    if (readonly) await assertPostgresSchemaCurrent(sql);
    else await migratePostgres(sql);
    // Listening before the store is handed out: an event sent once it is open is never missed.
    if (!readonly) {
      let listened = false;
      await sql.listen(
        CHANNEL,
        (payload) => {
          if (!EVENTS.has(payload)) return;
          for (const heard of listeners.get(payload as StoreEvent) ?? []) heard();
        },
        () => {
          // postgres.js listens again on a new connection when the old one is lost; whatever was
          // sent in between went unheard, so every event is taken as heard (rules reloaded, keys forgotten).
          if (listened) for (const heard of [...listeners.values()].flatMap((set) => [...set])) heard();
          listened = true;
        },
      );
    }
  } catch (error) {
    await sql.end({ timeout: 1 });
    const reason = failed(error);
    if (reason instanceof Error && reason !== error) reason.message = `${redactedUrl(url)}: ${reason.message}`;
    throw reason;
  }

  const transaction = <T>(work: (tx: Repositories) => Promise<T>): Promise<T> => gate.run(() => transactWithRetries(work));
  const transactWithRetries = async <T>(work: (tx: Repositories) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const attempt = () => transactionOn(sql, (tx) => work(repositoriesOn(tx, (inner) => inner(tx), span)));
        const result = await (span ? span('postgresql', 'transaction', attempt) : attempt());
        health.succeeded();
        return result;
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        if (attempt < ATTEMPTS && ((typeof code === 'string' && RETRYABLE.has(code)) || error instanceof WriteCollision)) {
          // Apart a little, at random: two nodes that collided once should not collide again.
          await sleep(Math.random() * 10 * attempt);
          continue;
        }
        throw failed(error);
      }
    }
  };

  const ping = (): Promise<void> =>
    gate.run(async () => {
      try {
        await sql`SELECT 1`;
      } catch (error) {
        throw failed(error);
      }
    });

  // Background jobs' session locks are held on a connection outside the pool, for the length of each
  // job: a job never takes a till's connection to hold its lock, and a node that dies mid-job loses
  // the connection and its locks with it. A session lock is re-entrant, so this node's own jobs
  // running are remembered here.
  const locks = readonly ? undefined : connect(url, { max: 1 });
  const running = new Set<string>();
  const exclusively = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    if (!locks) throw new Error('a read-only store runs no background jobs');
    if (running.has(name)) return undefined;
    running.add(name);
    try {
      const [row] = await gate.run(() =>
        locks<{ locked: boolean }[]>`SELECT pg_try_advisory_lock(${JOB_LOCK_CLASS}, hashtext(${name})) AS locked`.catch((error: unknown) => {
          throw failed(error);
        }),
      );
      if (!row!.locked) return undefined;
      try {
        return await work();
      } finally {
        await locks`SELECT pg_advisory_unlock(${JOB_LOCK_CLASS}, hashtext(${name}))`.catch(() => {
          // The connection is gone, and the lock went with it.
        });
      }
    } finally {
      running.delete(name);
    }
  };

  const outside = guarded(repositoriesOn(sql as unknown as Queryable, (work) => transactionOn(sql, work), span), failed, gate);
  // Off the till's write path, as on SQLite: triggers only mark checks dirty, and one node at a time
  // moves them into the roll-ups (a report also catches up before it reads).
  let catchingUp = false;
  const catchUp =
    background && !readonly
      ? setInterval(() => {
          if (catchingUp) return;
          catchingUp = true;
          // With nothing to bring in, one read: not a lock, a transaction and an unlock every time.
          outside.reports.rollups
            .anyPending()
            .then((any) =>
              any
                ? exclusively('report-rollups', async () => {
                    while ((await transaction((tx) => tx.reports.rollups.step(CATCH_UP_STEP))) === CATCH_UP_STEP);
                  })
                : undefined,
            )
            .catch(background.onError)
            .finally(() => (catchingUp = false));
        }, CATCH_UP_EVERY_MS)
      : undefined;
  catchUp?.unref();

  return {
    kind: 'postgres',
    location: url,
    ...outside,
    transaction,
    durable: () => Promise.resolve(),
    // Sent after its change committed: a failure is the database gone (503, like any call then), and
    // the other nodes still follow within RESYNC_EVERY_MS of services.ts, or when they listen again.
    notify: (event) =>
      gate.run(async () => {
        await sql.notify(CHANNEL, event).catch((error: unknown) => {
          throw failed(error);
        });
      }),
    listen(event, heard) {
      const set = listeners.get(event) ?? new Set();
      set.add(heard);
      listeners.set(event, set);
    },
    exclusively,
    ping,
    async writable() {
      // Commits are synchronous, so a remembered failure is checked again at once, with a small write.
      if (health.writable) return { ok: true as const };
      try {
        await gate.run(async () => {
          try {
            await sql`INSERT INTO meta (key, value) VALUES ('write_probe', ${String(Date.now())}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
          } catch (error) {
            throw failed(error);
          }
        });
        health.succeeded();
        return { ok: true as const };
      } catch (error) {
        return { ok: false as const, reason: health.reason ?? String(error) };
      }
    },
    async close() {
      clearInterval(catchUp);
      await Promise.all([sql.end({ timeout: 5 }), locks?.end({ timeout: 5 })]);
    },
  };
}
