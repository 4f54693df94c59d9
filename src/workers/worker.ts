import { type MessagePort, parentPort } from 'node:worker_threads';
import { DomainError } from '../errors.js';
import { csvChunks } from '../reports/checks-csv.js';
import { compileRuleSet, readRuleSet, runRuleTests } from '../engine/index.js';
import type { ReadOffThread } from '../rule-sets/compiler.js';
import { validateRuleSet } from '../rule-sets/lifecycle.js';
import { openStore, type Store, StorageUnavailable } from '../store/index.js';
import type { FromJob, Job, ToWorker } from './jobs.js';

/** Read-only connections kept open between jobs, the most recently used few. */
const MOST_STORES = 4;
const stores = new Map<string, Promise<Store>>();
const storeFor = (path: string): Promise<Store> => {
  let store = stores.get(path);
  if (store) stores.delete(path);
  else {
    const opening = openStore(path, { readonly: true });
    // One that could not open (the database out of reach) is tried afresh by the next job.
    opening.catch(() => stores.get(path) === opening && stores.delete(path));
    store = opening;
  }
  stores.set(path, store);
  if (stores.size > MOST_STORES) {
    const [oldest, evicted] = stores.entries().next().value!;
    stores.delete(oldest);
    void evicted.then((closing) => closing.close());
  }
  return store;
};

const failure = (error: unknown): FromJob => ({
  kind: 'failed',
  error:
    error instanceof DomainError
      ? { code: error.code, detail: error.detail, extra: error.extra }
      : error instanceof StorageUnavailable
        ? { unavailable: error.message }
        : { message: error instanceof Error ? (error.stack ?? error.message) : String(error) },
});

/**
 * Streams: one chunk per pull, so a slow reader holds nothing but an open statement. As text, not
 * encoded bytes: see WorkerPool.stream.
 */
function stream(port: MessagePort, chunks: AsyncGenerator<string>): void {
  // The service closes its end when the download is cancelled (or the client went away): the rows'
  // iterator is ended, which closes its connection.
  port.once('close', () => void chunks.return(undefined));
  port.on('message', () => void pull());
  async function pull(): Promise<void> {
    try {
      const next = await chunks.next();
      if (next.done) {
        port.postMessage({ kind: 'done' } satisfies FromJob);
        port.close();
        return;
      }
      port.postMessage({ kind: 'chunk', text: next.value } satisfies FromJob);
    } catch (error) {
      port.postMessage(failure(error));
      port.close();
    }
  }
}

async function run(job: Job, port: MessagePort): Promise<void> {
  switch (job.kind) {
    case 'checks-csv':
      stream(port, csvChunks((await storeFor(job.databasePath)).reports.checks(job.filter)));
      return;
    case 'validate-rule-set': {
      const { tests, warnings } = validateRuleSet(job.source);
      const value: ReadOffThread = { read: readRuleSet(job.source), tests: { passed: tests.length, total: tests.length }, warnings };
      port.postMessage({ kind: 'done', value } satisfies FromJob);
      port.close();
      return;
    }
    case 'read-rule-set': {
      const results = runRuleTests(compileRuleSet(job.source));
      const tests = { passed: results.filter((result) => result.passed).length, total: results.length };
      const value: ReadOffThread = { read: readRuleSet(job.source), tests, warnings: [] };
      port.postMessage({ kind: 'done', value } satisfies FromJob);
      port.close();
      return;
    }
  }
}

parentPort!.on('message', ({ job, port }: ToWorker) => {
  run(job, port).catch((error: unknown) => {
    port.postMessage(failure(error));
    port.close();
  });
});
