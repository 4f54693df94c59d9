import type { MessagePort } from 'node:worker_threads';
import type { RuleSetSource } from '../contract/rule-file.js';
import type { ReportFilter } from '../store/index.js';

/** Work the pool runs off the loop that answers tills. */
export type Job =
  | { kind: 'checks-csv'; databasePath: string; filter: ReportFilter }
  | { kind: 'validate-rule-set'; source: RuleSetSource }
  | { kind: 'read-rule-set'; source: RuleSetSource };

/** A domain error as it crosses from a worker: enough to throw the same one in the service. */
export interface SerializedError {
  code: string;
  detail: string | undefined;
  extra: Record<string, unknown> | undefined;
}

/** From the service to a worker. */
export type ToWorker = { job: Job; port: MessagePort };

/** From a worker to the service, on the job's own port. */
export type FromJob =
  | { kind: 'chunk'; text: string }
  | { kind: 'done'; value?: unknown }
  | { kind: 'failed'; error: SerializedError | { unavailable: string } | { message: string } };

/** From the service to a streaming job, on its port: the next chunk, please. Closing the port cancels. */
export type ToJob = 'pull';
