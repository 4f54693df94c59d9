import type { Principal } from '../access/api-keys.js';
import { canActFor } from '../access/store-scope.js';
import type { CheckRecord } from '../contract/check-record.js';
import { DomainError } from '../errors.js';
import type { CheckRow } from '../store/index.js';
import type { CheckContext } from './context.js';
import { toCheckRecord } from './records.js';

/**
 * The stored check if the key may see it. A check in a store the key cannot see is reported as
 * missing, as for reading it, so ids cannot be probed across stores by answering or closing them.
 */
export function findVisibleCheck(context: CheckContext, principal: Principal, checkId: string): CheckRow {
  const check = context.store.checks.findById(checkId);
  if (!check || !canActFor(principal, check.storeId)) throw new DomainError('not_found', `No check ${checkId}`);
  return check;
}

/** The check as it stands, every decision made on it and its outcome. */
export function readCheck(context: CheckContext, principal: Principal, checkId: string): CheckRecord {
  const check = findVisibleCheck(context, principal, checkId);
  return toCheckRecord(check, context.store.checks.evaluations(checkId), context.store.reviews.find(checkId), context.clock(), context.rules.current);
}
