import { AreaAlert as SharedAlert, type RelayedAlert } from '../contract/exchange.js';
import type { AreaAlertReason } from '../contract/stores.js';
import type { ExchangeMember } from '../exchange/member.js';
import type { Logger } from '../log.js';
import type { AreaAlertRow, Store } from '../store/index.js';
import type { AreaAlertSettings } from './area-alerts.js';

/**
 * How often a member shares its waiting alerts and asks the exchange for other members' (`sync`).
 * A few seconds is "within seconds" for the next shop, and 12 small requests a minute are nothing
 * to an exchange. The check never waits on either.
 */
export const EXCHANGE_SYNC_EVERY_MS = 5_000;
/** The most alerts one round shares: more than any town stops in five seconds. */
const SHARE_BATCH = 50;
/** The exchange answers 100 alerts a page; a round reads this many pages at most, the rest the next round. */
const PAGE = 100;
const MOST_PAGES = 10;

const ACTION: Record<AreaAlertReason, SharedAlert['action']> = {
  refused_sale: 'refused',
  refused_hold: 'held',
  scam_confirmed: 'confirmed',
  case_opened: 'case',
};

/** A brand as the exchange takes it: a lower-case slug. A brand that makes none ("£", "") is left out, not guessed. */
const brandSlug = (brand: string) => brand.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').slice(0, 40);

/**
 * An alert as it leaves the retailer: the district, the minute, the brands, the exchange's value band and
 * what happened. No store, check, till, customer or amount: the exchange refuses any field it does not know.
 */
export function toSharedAlert(alert: AreaAlertRow, district: string): SharedAlert {
  const brands = [...new Set(alert.brands.map(brandSlug).filter((brand) => /^[a-z0-9]/.test(brand)))].slice(0, 10);
  return SharedAlert.parse({
    district,
    at: new Date(Math.floor(alert.raisedAt / 60_000) * 60_000).toISOString(),
    brands,
    valueBand: alert.exchangeValueBand,
    action: ACTION[alert.reason as AreaAlertReason],
  });
}

export interface AlertExchangeContext {
  readonly store: Store;
  readonly member: ExchangeMember;
  readonly areaAlerts: AreaAlertSettings;
  readonly clock: () => number;
  readonly logger: Logger;
}

/** A member's area alerts and the exchange's, moved in the background: what the check path then reads from the database. */
export interface AlertExchange {
  /**
   * Sends the live alerts waiting to be shared, oldest first, each once; returns how many the exchange
   * took. The first failure ends the round with a log line: the rest wait, still live, for the next.
   */
  share(): Promise<number>;
  /**
   * Fetches other members' alerts for this member's districts received since the latest one kept (or
   * since an alert's lifetime ago), and keeps the new ones; returns how many were new. Kept in the
   * database, so every node and a restarted one see them; the exchange's id keeps a repeat out.
   */
  sync(): Promise<number>;
}

export function createAlertExchange(context: AlertExchangeContext): AlertExchange {
  const { store, member, areaAlerts, clock, logger } = context;
  const lifetimeMs = areaAlerts.minutes * 60_000;

  async function share(): Promise<number> {
    let shared = 0;
    for (const alert of await store.areaAlerts.toShare(clock(), SHARE_BATCH)) {
      const district = member.districtOf(alert.storeId);
      try {
        // A store taken out of VOUCHSAFE_EXCHANGE_DISTRICTS since: its alert stays here, unshared.
        if (district === undefined) continue;
        const relayed = await member.publishAlert(toSharedAlert(alert, district));
        await store.areaAlerts.markShared(alert.id, relayed.id);
        logger.info('area alert shared with the exchange', { alertId: alert.id, checkId: alert.checkId, district, exchangeId: relayed.id });
        shared += 1;
      } catch (error) {
        logger.warn('sharing an area alert with the exchange failed; it is tried again while it is live', {
          alertId: alert.id,
          checkId: alert.checkId,
          error: error instanceof Error ? error.message : String(error),
        });
        break;
      }
    }
    return shared;
  }

  async function sync(): Promise<number> {
    const districts = member.districts();
    if (districts.length === 0) return 0;
    const now = clock();
    // On the exchange's clock (receivedAt), as the exchange compares it; a repeat at the same moment is kept out by its id.
    let since = Math.max((await store.areaAlerts.relayedCursor()) ?? 0, now - lifetimeMs);
    let added = 0;
    for (let page = 0; page < MOST_PAGES; page++) {
      let alerts: RelayedAlert[];
      try {
        alerts = await member.alerts(districts, since);
      } catch (error) {
        logger.warn('reading area alerts from the exchange failed; asked again in a few seconds', { error: error instanceof Error ? error.message : String(error) });
        break;
      }
      for (const alert of alerts) {
        const raisedAt = Date.parse(alert.at);
        const isNew = await store.areaAlerts.addRelayed({
          id: alert.id,
          district: alert.district,
          raisedAt,
          receivedAt: Date.parse(alert.receivedAt),
          // As long as this retailer's own alerts last, from when the scam was stopped.
          expiresAt: raisedAt + lifetimeMs,
          brands: alert.brands,
          valueBand: alert.valueBand,
          action: alert.action,
        });
        if (isNew) added += 1;
        since = Math.max(since, Date.parse(alert.receivedAt));
      }
      if (alerts.length < PAGE) break;
    }
    if (added > 0) logger.info('area alerts from other members kept', { alerts: added, districts });
    return added;
  }

  return { share, sync };
}
