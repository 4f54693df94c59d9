import { z } from 'zod';
import { AnswersRequest } from '../../../src/contract/answers.js';
import { CheckRequest } from '../../../src/contract/check.js';
import { EscalationRequest } from '../../../src/contract/escalations.js';
import { OutcomeRequest } from '../../../src/contract/outcome.js';
import { Problem } from '../../../src/contract/problem.js';
import { ReviewRequest } from '../../../src/contract/review.js';
import { RuleSetSource } from '../../../src/contract/rule-file.js';

/**
 * What the outbox keeps, as written to storage. Parsed with these schemas when read back, so an entry
 * written by another version, or damaged on disk, is caught and dead-lettered rather than sent.
 */

/** `local_…` for a check only the till has seen so far; `chk_…` once the service has given it an id. */
export const CheckRef = z.string().regex(/^(local|chk)_[0-9a-z]{10,40}$/);

const common = {
  v: z.literal(1),
  id: z.string().min(1),
  enqueuedAt: z.number().int(),
  /** The transaction, when the till knows it: requests for one transaction are never reordered. */
  transactionId: z.string().optional(),
  checkRef: CheckRef,
};

export const OutboxEntry = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, kind: z.literal('check'), transactionId: z.string(), body: CheckRequest }),
  z.strictObject({ ...common, kind: z.literal('answers'), body: AnswersRequest }),
  z.strictObject({ ...common, kind: z.literal('outcome'), body: OutcomeRequest }),
  z.strictObject({ ...common, kind: z.literal('review'), body: ReviewRequest }),
  z.strictObject({ ...common, kind: z.literal('escalation'), body: EscalationRequest }),
]);
export type OutboxEntry = z.infer<typeof OutboxEntry>;

/** The calls that follow a check: answers, an outcome, a supervisor's review, an escalation. */
export type FollowUp = Exclude<OutboxEntry, { kind: 'check' }>;

/**
 * A follow-up's entry, queued now: behind its check's transaction where the till knows it (requests
 * for one transaction are never reordered), and naming the check as the till knows it.
 */
export function followUpEntry<K extends FollowUp['kind']>(
  kind: K,
  body: Extract<FollowUp, { kind: K }>['body'],
  checkRef: string,
  transaction: { transactionId: string } | undefined,
  id: string,
): FollowUp {
  // One member of the union per kind: the kind and its body's type are tied by the signature.
  return { v: 1, id, kind, enqueuedAt: Date.now(), ...(transaction ? { transactionId: transaction.transactionId } : {}), checkRef, body } as FollowUp;
}

/** Why an entry was set aside: the service's refusal, or a reason the till found itself. */
export const Failure = z.strictObject({
  message: z.string(),
  status: z.number().int().optional(),
  problem: Problem.optional(),
});
export type Failure = z.infer<typeof Failure>;

/** An entry that will never be delivered as it is, kept to be looked at. Raw ids are removed. */
export const DeadLetter = z.strictObject({
  failedAt: z.number().int(),
  failure: Failure,
  entry: OutboxEntry.optional(),
  /** The stored text, when it could not be read as an entry. */
  unreadable: z.string().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** A check decided offline and later delivered: the till's id and the one the service gave it. */
export const IdLink = z.strictObject({ localId: z.string(), checkId: z.string(), linkedAt: z.number().int() });
export type IdLink = z.infer<typeof IdLink>;

/** The rule set last given by the service, so a till that restarts offline still decides with it. */
export const SavedRuleSet = z.strictObject({ etag: z.string().optional(), source: RuleSetSource });
export type SavedRuleSet = z.infer<typeof SavedRuleSet>;

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** Reads stored text back. Never throws: whatever is on disk, the answer is a value or why not. */
export function decode<T>(schema: z.ZodType<T>, text: string): Decoded<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(entry)'}: ${issue.message}`).join('; ') };
}

/** A dead letter keeps what went wrong, not who the customer was, nor the serials of the cards sold. */
export function redact(entry: OutboxEntry): OutboxEntry {
  if (entry.kind === 'outcome' && entry.body.cards) {
    const { cards: _cards, ...body } = entry.body;
    return { ...entry, body };
  }
  if (entry.kind !== 'check') return entry;
  const { loyaltyId: _loyaltyId, paymentToken: _paymentToken, ...customer } = entry.body.customer;
  return { ...entry, body: { ...entry.body, customer } };
}
