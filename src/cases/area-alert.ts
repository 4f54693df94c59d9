import type { CheckRow, Repositories } from '../store/index.js';
import { raiseAreaAlert } from '../stores/index.js';
import type { CaseContext } from './context.js';

/**
 * A case opened by an escalation or a report raises the check's area alert, if it has none yet (a
 * refusal or a confirmed scam may have raised it already), in the case's transaction. Only while the
 * sale is recent, within one alert's lifetime (VOUCHSAFE_AREA_ALERT_MINUTES): the alert tells the shops
 * nearby that the spree may be on its way to them now, and a scam reported the next day is long past
 * that — it still opens the case, for loss prevention, but says nothing to the shops nearby.
 */
export async function raiseCaseAlert(context: CaseContext, tx: Repositories, check: CheckRow, now: number): Promise<void> {
  if (now - check.occurredAt > context.areaAlerts.minutes * 60_000) return;
  const request = check.latest.request;
  await raiseAreaAlert(
    { store: tx, registry: context.registry, areaAlerts: context.areaAlerts, clock: context.clock },
    { storeId: check.storeId, checkId: check.id, reason: 'case_opened', livemode: check.livemode, lines: request.lines, currency: request.currency },
  );
}
