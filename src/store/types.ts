import type { AreaFacts } from '../contract/area.js';
import type { CheckRequest, Customer } from '../contract/check.js';
import type { EvaluationTrigger } from '../contract/check-record.js';
import type { Outcome, Role, KeyMode } from '../contract/enums.js';
import type { HistoryFacts } from '../contract/fact-schema.js';
import type { NetworkSignal } from '../contract/network.js';
import type { RuleSetSource } from '../contract/rule-file.js';
import type { EngineDecision } from '../engine/index.js';

/** A check as stored: the till's request without the raw loyalty id or payment token. */
export type StoredRequest = Omit<CheckRequest, 'customer'> & {
  customer: Omit<Customer, 'loyaltyId' | 'paymentToken'>;
};

/** One decision as recorded: what the engine decided, on what it was decided, and when. */
export type EvaluationRow = Pick<EngineDecision, 'action' | 'score' | 'reasons' | 'shadowReasons' | 'promptId' | 'prompt' | 'ruleSetVersion'> & {
  revision: number;
  trigger: EvaluationTrigger;
  evaluatedAt: number;
  request: StoredRequest;
  answers: Record<string, string>;
  history: HistoryFacts;
  /** The area alerts this decision saw, and the facts they made; absent when none reached the store. */
  area?: AreaSeen;
  /** What the retailers' exchange said when this was decided; null before migration 0220 or with no exchange asked. */
  network?: NetworkSignal | null;
};

export interface AreaSeen {
  facts: AreaFacts;
  alertIds: string[];
}

export interface OutcomeRow {
  outcome: Outcome;
  recordedAt: number;
  staffRef: string | null;
  policeReference: string | null;
  note: string | null;
  keyId: string;
}

/** A card activated in a sale. `sealed` holds its serial and activation id, encrypted, until the card retention purges it. */
export interface CardRow {
  /** Stable: what a freeze request and a processor's result name. */
  id: string;
  checkId: string;
  /** Its place in the outcome's list, from 0. */
  position: number;
  brand: string;
  amount: number;
  serialLast4: string | null;
  activationLast4: string | null;
  sealed: string | null;
  recordedAt: number;
}

export interface CheckRow {
  id: string;
  storeId: string;
  tillId: string;
  transactionId: string;
  /** The store's calendar day (YYYY-MM-DD, in its time zone) of occurredAt: transaction ids are unique per store and day. */
  businessDay: string;
  occurredAt: number;
  receivedAt: number;
  /** false for a check sent with a test key: never in reports, history, shadow counts or back-tests. */
  livemode: boolean;
  /** Where the check sits in its customer's history: when it was received, or an offline replay's recorded time. */
  historyAt: number;
  updatedAt: number;
  keyId: string;
  /** Keyed fingerprint of the request as last sent: an identical resend is a retry. */
  requestFingerprint: string;
  identified: boolean;
  totals: { basket: number; storedValue: number; storedValueUnits: number };
  /** Whether any evaluation of the check prompted, held or refused. */
  warned: boolean;
  latest: EvaluationRow;
  outcome: OutcomeRow | null;
}

/**
 * What names a check at the till: a store's transaction id on one business day, in one world. Test and
 * live ids are separate namespaces, so a test till reusing a live transaction id never meets the live check.
 */
export type TransactionIdentity = Pick<CheckRow, 'storeId' | 'livemode' | 'transactionId' | 'businessDay'>;

/** What one decision writes: the check as it now stands and the evaluation that decided it. */
export type CheckWrite = Pick<
  CheckRow,
  'id' | 'storeId' | 'tillId' | 'transactionId' | 'businessDay' | 'livemode' | 'occurredAt' | 'receivedAt' | 'historyAt' | 'keyId' | 'requestFingerprint' | 'identified' | 'totals'
> & {
  /** Keyed hashes of the customer's loyalty id and payment token; undefined leaves them as they were. */
  identities: readonly string[] | undefined;
  evaluation: EvaluationRow;
};

export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  /** test: it works in the test world only; its checks are decided as live ones but kept out of every figure, and purged after a week. */
  mode: KeyMode;
  storeIds: string[] | null;
  secretHash: string;
  prefix: string;
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  detail: Record<string, unknown>;
}

export interface RuleSetRow {
  version: string;
  contentHash: string;
  source: RuleSetSource;
  createdAt: number;
  createdBy: string;
  note: string | null;
  status: 'pending' | 'approved' | 'rejected';
  reviewedBy: string | null;
  reviewedAt: number | null;
}

/** What a back-test needs of a stored check: its latest evaluation's inputs and its outcome. */
export interface ReplayRow {
  checkId: string;
  storeId: string;
  occurredAt: number;
  outcome: Outcome | null;
  storedValue: number;
  identified: boolean;
  request: StoredRequest;
  answers: Record<string, string>;
  history: HistoryFacts;
  /** The area alerts the check saw when it was decided: replayed as they were then. */
  area?: AreaSeen;
  /** Absent before migration 0220 or when no exchange was asked. */
  network?: NetworkSignal;
}

export interface PeriodFilter {
  from: number;
  to: number;
  /** null: every store. */
  storeIds: readonly string[] | null;
}

export interface ActivationRow {
  version: string;
  activatedAt: number;
  activatedBy: string;
}
