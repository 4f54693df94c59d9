import { UnknownCheckError } from '../errors.js';
import type { TillParts } from '../till-parts.js';

/** The check a caller's id (`chk_…` or `local_…`) names, or UnknownCheckError for a local id this till cannot place. */
export function locate(till: TillParts, checkId: string) {
  const transaction = till.memory.find(checkId);
  const serviceId = till.outbox.serviceId(checkId) ?? transaction?.checkId;
  if (!transaction && !serviceId) throw new UnknownCheckError(`This till has no check ${checkId}`);
  return { transaction, serviceId };
}
