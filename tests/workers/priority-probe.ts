import { getPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';

// A background thread's code, reduced to saying what priority it started at.
parentPort!.postMessage(getPriority());
