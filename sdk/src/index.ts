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
  EscalationInput,
  EscalationReceipt,
  FlushResult,
  HoldState,
  OutcomeInput,
  OutcomeReceipt,
  ReviewInput,
  RuleSetInfo,
  TillClient,
  TillClientOptions,
  TillDecision,
  WatchOptions,
} from './types.js';
export type { RuleSetOrigin } from './rules/offline-rules.js';
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
// The service's contract, as the calls above take and return it: one definition, the service's.
export type { AnswersRequest } from '../../src/contract/answers.js';
export type { Escalation, EscalationRequest } from '../../src/contract/escalations.js';
export type { CheckInput, CheckRequest } from '../../src/contract/check.js';
export type { Decision, HandOffStep, Prompt } from '../../src/contract/decision.js';
export type { Action } from '../../src/contract/enums.js';
export type { HistoryFacts } from '../../src/contract/fact-schema.js';
export type { OutcomeRecord } from '../../src/contract/outcome.js';
export type { ErrorCode, FieldError, Problem } from '../../src/contract/problem.js';
export type { Review, ReviewCloser } from '../../src/contract/review-state.js';
export type { RuleSetSource } from '../../src/contract/rule-file.js';
export type { TillToken } from '../../src/contract/till-tokens.js';
export type { CompiledRuleSet } from '../../src/engine/index.js';
