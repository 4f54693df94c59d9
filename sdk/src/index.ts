/**
 * The Vouchsafe till SDK. Runs in Node 22.12+ and in a browser: nothing here imports a Node module.
 * Node-only storage is in `./node.js`.
 */
export { createTillClient } from './client.js';
export type {
  Answers,
  Basket,
  Clock,
  DeadLetterView,
  FlushResult,
  OutcomeInput,
  OutcomeReceipt,
  RuleSetInfo,
  TillClient,
  TillClientOptions,
  TillDecision,
} from './types.js';
export {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ClosedError,
  ConflictError,
  ConnectionError,
  CorsError,
  InvalidResponseError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  ServiceAwayError,
  TimeoutError,
  TokenSourceError,
  UnknownCheckError,
  ValidationError,
  VouchsafeError,
} from './errors.js';
export type { Fetch } from './transport.js';
export type { TokenGrant, TokenSource } from './credentials.js';
export { decideOffline, type LocalDecision, type OfflineInputs } from './offline/decide.js';
export type { DeadLetter, IdLink, OutboxEntry, SavedRuleSet } from './outbox/entry.js';
export { indexedDbOutbox, type IndexedDbOutboxOptions } from './outbox/indexed-db.js';
export { memoryOutbox } from './outbox/memory.js';
export type { OutboxStorage, StoredOutbox } from './outbox/storage.js';
export { BUNDLED_RULES } from './rules/bundled.js';
export type { Decision } from '../../src/contract/decision.js';
export type { OutcomeRecord } from '../../src/contract/outcome.js';
