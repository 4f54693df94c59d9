import type { Principal } from '../access/api-keys.js';
import type { OutcomeRecord, OutcomeRequest } from '../contract/outcome.js';
import { DomainError } from '../errors.js';
import type { OutcomeRow } from '../store/index.js';
import type { CheckContext } from './context.js';
import { findVisibleCheck } from './read.js';
import { toOutcomeRecord } from './records.js';

export interface OutcomeRecorded {
  /** false: the same outcome was already recorded (a retry). */
  created: boolean;
  outcome: OutcomeRecord;
}

function sameOutcome(recorded: OutcomeRow, body: OutcomeRequest): boolean {
  return (
    recorded.outcome === body.outcome &&
    (recorded.policeReference ?? undefined) === body.policeReference &&
    (recorded.staffRef ?? undefined) === body.staffRef &&
    (recorded.note ?? undefined) === body.note
  );
}

/** Records what happened at the till. A check has one outcome; the same one again is a retry. */
export function recordOutcome(context: CheckContext, principal: Principal, checkId: string, body: OutcomeRequest): OutcomeRecorded {
  const { store, clock } = context;
  const result = store.transaction(() => {
    const check = findVisibleCheck(context, principal, checkId);
    if (check.outcome) {
      if (!sameOutcome(check.outcome, body)) {
        throw new DomainError(
          'outcome_conflict',
          `Check ${checkId} already has the outcome ${check.outcome.outcome}, recorded ${new Date(check.outcome.recordedAt).toISOString()}`,
        );
      }
      return { created: false, row: check.outcome };
    }
    const row: OutcomeRow = {
      outcome: body.outcome,
      recordedAt: clock(),
      staffRef: body.staffRef ?? null,
      policeReference: body.policeReference ?? null,
      note: body.note ?? null,
      keyId: principal.keyId,
    };
    store.checks.recordOutcome(checkId, row);
    return { created: true, row };
  });
  if (result.created) context.metrics.outcomes.inc({ outcome: result.row.outcome });
  return { created: result.created, outcome: toOutcomeRecord(checkId, result.row) };
}
