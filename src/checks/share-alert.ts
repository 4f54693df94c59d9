import type { CheckRequest } from '../contract/check.js';
import type { Decision } from '../contract/decision.js';
import type { Action } from '../contract/enums.js';
import { valueBandOf } from '../contract/exchange.js';
import { minorUnitsPerMajor } from '../engine/index.js';
import type { StoredRequest } from '../store/index.js';
import type { CheckContext } from './context.js';

/**
 * A sale refused (as the check came in, or on the colleague's answers) is shared with the exchange's
 * other members as an area alert: district, minute, brands and value band, nothing about the
 * customer. After the decision is recorded, and the till never waits for it. A check refused again
 * shares nothing more. A confirmed scam or a refused hold can call `exchange.scamStopped` the same way.
 */
export function shareStoppedScam(
  context: Pick<CheckContext, 'exchange' | 'logger'>,
  scam: { livemode: boolean; request: CheckRequest | StoredRequest; decision: Decision; storedValue: number; at: number; previousAction?: Action | undefined },
): void {
  const { exchange, logger } = context;
  if (!exchange || !scam.livemode || scam.decision.action !== 'refuse' || scam.previousAction === 'refuse' || scam.storedValue === 0) return;
  const { request, decision } = scam;
  const brands = request.lines.flatMap((line) => (line.kind !== 'merchandise' && line.brand ? [line.brand] : []));
  const valueBand = valueBandOf(scam.storedValue / minorUnitsPerMajor(request.currency));
  exchange
    .scamStopped({ storeId: request.storeId, at: scam.at, brands, valueBand, action: 'refused' })
    .then((alert) => alert && logger.info('area alert shared with the exchange', { checkId: decision.checkId, district: alert.district }))
    .catch((error: unknown) => logger.warn('sharing an area alert with the exchange failed', { checkId: decision.checkId, error: error instanceof Error ? error.message : String(error) }));
}
