import { StorageUnavailable } from '../storage-health.js';

/**
 * How long a call may wait for the database before it is answered as unavailable. A till's own
 * budget is shorter (it decides offline), but the node must not hold the request, and its memory,
 * for as long as an outage lasts; a call that does get its answer later is not undone, so the same
 * transaction sent again is a replay of it.
 */
export const CALL_DEADLINE_MS = 20_000;

export interface OutageGate {
  /**
   * Runs `call` (whose failures are already StorageUnavailable where the database is at fault), or,
   * while the database is out of reach and another call is finding out whether it is back, fails at
   * once. A call with no answer within CALL_DEADLINE_MS fails as StorageUnavailable.
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
export function outageGate({ deadlineMs = CALL_DEADLINE_MS }: { deadlineMs?: number } = {}): OutageGate {
  let outage: StorageUnavailable | undefined;
  let trying = false;
  const refusal = () => (outage && trying ? new StorageUnavailable(outage.message, { cause: outage }) : undefined);
  const withinDeadline = <T>(pending: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StorageUnavailable(`no answer from the database within ${deadlineMs / 1000} s`)), deadlineMs);
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
        const result = await withinDeadline(call());
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
