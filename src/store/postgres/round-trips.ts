import { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import type { OutageGate } from './outage.js';

/** What a node waits on PostgreSQL for, told as each statement's answer is read (see `observedGate`). */
export interface DatabaseWaits {
  /** Statements were sent on a connection with nothing outstanding on it: the client waits once more (a pipelined batch is one). */
  roundTrip(): void;
  /** Seconds more during which a connection had a statement outstanding: from its sending until its answer was read. */
  waited(seconds: number): void;
}

/** What postgres.js (4.x) publishes on its `postgres:query` tracing channel for each statement; times are performance.now(). */
interface QueryTrace {
  connection: number | null;
  sent: number | null;
  complete: number | null;
}

/** One observed store's connections: when each last had an answer read. */
interface Observer {
  waits: DatabaseWaits;
  answeredAt: Map<number, number>;
}

/** Connections forgotten once this many are remembered: postgres.js replaces each after its max_lifetime (30–60 minutes). */
const MOST_REMEMBERED = 256;
const FORGET_AFTER_MS = 60_000;

const current = new AsyncLocalStorage<Observer>();
const owners = new WeakMap<object, Observer>();
let subscribed = false;

/**
 * Counts from the statements' own send and answer times (postgres.js stamps them when a write leaves
 * for the socket and when the answer has been parsed), so a round trip is what the client actually
 * did: BEGIN flushed with the work's first statements is one, a transaction's pipelined writes are
 * one. A connection's answers come in the order its statements were sent, so a statement sent before
 * the previous one's answer was read rides in the same wait, and only time not already counted is added.
 */
function answered(trace: QueryTrace): void {
  const observer = owners.get(trace);
  if (!observer || trace.connection === null || trace.sent === null || trace.complete === null) return;
  const last = observer.answeredAt.get(trace.connection) ?? Number.NEGATIVE_INFINITY;
  if (trace.sent >= last) {
    observer.waits.roundTrip();
    observer.waits.waited((trace.complete - trace.sent) / 1000);
  } else {
    observer.waits.waited(Math.max(0, trace.complete - last) / 1000);
  }
  observer.answeredAt.set(trace.connection, trace.complete);
  if (observer.answeredAt.size > MOST_REMEMBERED) {
    for (const [connection, at] of observer.answeredAt) if (at < trace.complete - FORGET_AFTER_MS) observer.answeredAt.delete(connection);
  }
}

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  // The channel is the process's, shared by every postgres.js client in it: a statement is counted
  // for the store whose call issued it (its async context when the statement started), no other.
  const queries = tracingChannel('postgres:query');
  queries.start.subscribe((trace) => {
    const observer = current.getStore();
    if (observer) owners.set(trace as object, observer);
  });
  queries.asyncEnd.subscribe((trace) => answered(trace as QueryTrace));
}

/**
 * `gate`, with every statement issued by a call through it counted in `waits`: a store's calls and
 * transactions, its background jobs included. Not counted: postgres.js's own statements (LISTEN, its
 * type lookups on connecting) and cursors' (an export's rows), which run in their reader's context.
 * It costs about 40 µs of CPU per transaction of seven statements, half of it postgres.js's own
 * tracing, which subscribing turns on (docs/operations.md, "Several nodes").
 */
export function observedGate(gate: OutageGate, waits: DatabaseWaits): OutageGate {
  subscribe();
  const observer: Observer = { waits, answeredAt: new Map() };
  return {
    run: (call) => current.run(observer, () => gate.run(call)),
    check: () => gate.check(),
  };
}
