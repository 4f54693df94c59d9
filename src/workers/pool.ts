import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { ErrorCode } from '../contract/problem.js';
import { DomainError } from '../errors.js';
import { StorageUnavailable } from '../store/index.js';
import type { FromJob, Job, SerializedError, ToJob, ToWorker } from './jobs.js';

/** Jobs each worker may hold at once (streams between pulls cost it nothing); past that, 429. */
const JOBS_PER_WORKER = 4;
/** An idle worker exits after this, and starts again on the next job. */
const IDLE_MS = 30_000;

export interface WorkerPool {
  /** Runs a job to its end; its result, or the domain error it threw. */
  run<T>(job: Job): Promise<T>;
  /**
   * A job's output as a text stream, made as the reader pulls it; cancelling the stream stops the job.
   * Resolves once the first chunk is made, so that a job that cannot start is an error the caller
   * answers with its own status (a 503 while the database is out of reach), not a 200 cut off.
   *
   * Text, not bytes: a string crosses from the worker onto this thread's heap, where it dies young
   * and cheaply; bytes would be a new ArrayBuffer here for each chunk, whether transferred or
   * encoded here, and V8 answers every few megabytes of those with a full mark-compact of this
   * thread's heap. Three exports made one every half second, each holding tills' checks for 5 to
   * 40 ms. Encode only where a consumer needs bytes (see http/text-stream.ts).
   *
   * Every message from a worker can also hold this thread. Node wakes the receiving thread while the
   * sender still holds the port's lock (MessagePortData::AddToIncomingQueue); a worker at nice 19
   * that loses its core at that wake keeps this thread waiting on the lock until it runs again. A
   * trace while three exports and a back-test ran found it blocked there 190 times in 10 s, up to
   * 41 ms. So a job sends no more messages than its output needs.
   */
  stream(job: Job, onError: (error: Error) => void): Promise<ReadableStream<string>>;
  /**
   * Starts a worker now and keeps one from then on: a node that follows other nodes' rule-set changes
   * compiles them as soon as it hears, not after a thread has started and loaded its code.
   */
  keepWarm(): void;
}

interface Slot {
  worker: Worker;
  jobs: number;
  idle: NodeJS.Timeout | undefined;
}

function rethrow(error: SerializedError | { unavailable: string } | { message: string }): never {
  if ('unavailable' in error) throw new StorageUnavailable(error.unavailable);
  if ('code' in error) {
    throw new DomainError(error.code as ErrorCode, error.detail, error.extra ? { extra: error.extra } : {});
  }
  throw new Error(`A worker job failed: ${error.message}`);
}

let shared: WorkerPool | undefined;

/**
 * The process's one pool: the CPU is the process's, so every Services built in it (the service,
 * tests' apps) shares the same bounded set of threads. The first caller's size holds.
 */
export function sharedWorkerPool(size: number): WorkerPool {
  shared ??= createWorkerPool(size);
  return shared;
}

/**
 * Worker threads for heavy work (exports, rule-set compilation), so the event loop that answers
 * tills never runs it. Bounded: `size` threads, at most JOBS_PER_WORKER jobs each; more is refused
 * with 429 `rate_limited` and Retry-After rather than queued behind the tills.
 */
function createWorkerPool(size: number): WorkerPool {
  const slots: Slot[] = [];
  let warm = false;

  function start(): Slot {
    const worker = new Worker(new URL('./entry.mjs', import.meta.url), { execArgv: [] });
    worker.unref();
    const slot: Slot = { worker, jobs: 0, idle: undefined };
    worker.once('exit', () => {
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
    });
    worker.on('error', () => {
      // Its jobs' ports close with it; the next job starts a fresh worker.
    });
    slots.push(slot);
    return slot;
  }

  function acquire(): Slot {
    const least = slots.reduce<Slot | undefined>((best, slot) => (!best || slot.jobs < best.jobs ? slot : best), undefined);
    const slot = least && (least.jobs === 0 || slots.length >= size) ? least : start();
    if (slot.jobs >= JOBS_PER_WORKER) {
      throw new DomainError('rate_limited', 'Exports and rule checks are busy; try again shortly', { retryAfterSeconds: 5 });
    }
    clearTimeout(slot.idle);
    slot.jobs += 1;
    return slot;
  }

  function release(slot: Slot): void {
    slot.jobs -= 1;
    if (slot.jobs > 0 || (warm && slots.length === 1)) return;
    slot.idle = setTimeout(() => void slot.worker.terminate(), IDLE_MS);
    slot.idle.unref();
  }

  function dispatch(job: Job): { port: MessagePort; done: () => void } {
    const slot = acquire();
    const { port1, port2 } = new MessageChannel();
    let released = false;
    const done = () => {
      if (released) return;
      released = true;
      port1.close();
      release(slot);
    };
    // A worker that dies mid-job closes its end: the job ends as failed, not forever pending.
    port1.once('close', done);
    slot.worker.postMessage({ job, port: port2 } satisfies ToWorker, [port2]);
    return { port: port1, done };
  }

  return {
    keepWarm() {
      warm = true;
      if (slots.length === 0) start();
    },

    run<T>(job: Job): Promise<T> {
      const { port, done } = dispatch(job);
      return new Promise<T>((resolve, reject) => {
        port.once('close', () => reject(new Error('The worker stopped before the job finished')));
        port.once('message', (message: FromJob) => {
          done();
          if (message.kind === 'done') resolve(message.value as T);
          else if (message.kind === 'failed') {
            try {
              rethrow(message.error);
            } catch (error) {
              reject(error);
            }
          } else reject(new Error('A job that runs to its end sent a chunk'));
        });
      });
    },

    async stream(job: Job, onError: (error: Error) => void): Promise<ReadableStream<string>> {
      const { port, done } = dispatch(job);
      let waiting: { resolve: (message: FromJob) => void } | undefined;
      port.on('message', (message: FromJob) => waiting?.resolve(message));
      port.once('close', () => waiting?.resolve({ kind: 'failed', error: { message: 'the worker stopped' } }));
      const ask = (request: ToJob) =>
        new Promise<FromJob>((resolve) => {
          waiting = { resolve };
          port.postMessage(request);
        });
      let first: FromJob | undefined = await ask('pull');
      if (first.kind === 'failed') {
        done();
        rethrow(first.error);
      }
      return new ReadableStream<string>({
        async pull(controller) {
          const message = first ?? (await ask('pull'));
          first = undefined;
          if (message.kind === 'chunk') controller.enqueue(message.text);
          else {
            done();
            if (message.kind === 'done') return controller.close();
            // The response has begun: the client sees a cut-off download, and the log says why.
            const failure = message.error;
            const error = new Error('message' in failure ? failure.message : 'unavailable' in failure ? failure.unavailable : (failure.detail ?? failure.code));
            onError(error);
            controller.error(error);
          }
        },
        cancel() {
          // Closing the port is the cancellation: the worker ends the job when its end closes.
          done();
        },
      }, { highWaterMark: 0 });
    },
  };
}
