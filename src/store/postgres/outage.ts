import { StorageUnavailable } from '../storage-health.js';

/**
 * How long a call may wait for the database before it is answered as unavailable. A till's own
 * budget is shorter (it decides offline), but the node must not hold the request, and its memory,
 * for as long as an outage lasts; a call that does get its answer later is not undone, so the same
 * transaction sent again is a replay of it.
 */
export const CALL_DEADLINE_MS = 20_000;

/**
 * How long the one call that tries the database during an outage may take before it is given up and
 * the next call may try. Every other call is refused while it tries, so its wait is the node's whole
 * outage: a probe stuck on a connection that will never answer must not hold the gate shut for
 * CALL_DEADLINE_MS. Longer than a reconnection's back-off (at most 2 s, sql.ts) plus a connect on loopback or a LAN.
 */
export const PROBE_DEADLINE_MS = 3_000;

export interface OutageGate {
  /**
   * Runs `call` (whose failures are already StorageUnavailable where the database is at fault), or,
   * while the database is out of reach and another call is finding out whether it is back, fails at
   * once. A call with no answer within CALL_DEADLINE_MS (PROBE_DEADLINE_MS for the call that tries)
   * fails as StorageUnavailable, and a probe that fails so lets the next call try.
   */
  run<T>(call: () => Promise<T>): Promise<T>;
  /** Throws the outage's StorageUnavailable if a call now would be refused: for cursors, which cannot wait to be tried. */
  check(): void;
}

/**
 * While the database is out of reach, one call at a time tries it and every other fails at once.
 * Without this, postgres.js queues every query behind its reconnection attempts, each after a back-off,
 * so a till's check would wait for as long as the outage lasts rather than get its 503. The first call
 * to get through ends the outage.
 */
export function outageGate({ deadlineMs = CALL_DEADLINE_MS, probeDeadlineMs = PROBE_DEADLINE_MS }: { deadlineMs?: number; probeDeadlineMs?: number } = {}): OutageGate {
  let outage: StorageUnavailable | undefined;
  let trying = false;
  const refusal = () => (outage && trying ? new StorageUnavailable(outage.message, { cause: outage }) : undefined);
  const withinDeadline = <T>(pending: Promise<T>, ms: number): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StorageUnavailable(`no answer from the database within ${ms / 1000} s`)), ms);
      timer.unref();
    });
    return Promise.race([pending, late]).finally(() => clearTimeout(timer));
  };
  return {
    async run(call) {
      const refused = refusal();
      if (refused) throw refused;
      const probing = outage !== undefined;
      if (probing) trying = true;
      try {
        // The gate opens again when the probe's deadline passes, whether or not its call ever settles.
        const result = await withinDeadline(call(), probing ? probeDeadlineMs : deadlineMs);
        outage = undefined;
        return result;
      } catch (error) {
        if (error instanceof StorageUnavailable) outage = error;
        throw error;
      } finally {
        if (probing) trying = false;
      }
    },
    check() {
      const refused = refusal();
      if (refused) throw refused;
    },
  };
}
