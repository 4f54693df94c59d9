import type { CheckRequest } from '../contract/check.js';
import { valueBandOf as exchangeValueBandOf } from '../contract/exchange.js';
import type { AreaAlertReason, ValueBand } from '../contract/stores.js';
import { areaFindingAt, type DistrictAlerts, haversineKm, type LiveAlert, minorUnitsPerMajor } from '../engine/index.js';
import { newId } from '../sortable-id.js';
import type { AreaAlertRow, AreaSeen, Repositories, StoreRow } from '../store/index.js';
import type { StoreRegistry } from './registry.js';

/** How far an alert reaches and for how long (VOUCHSAFE_AREA_ALERT_KM, VOUCHSAFE_AREA_ALERT_MINUTES). */
export interface AreaAlertSettings {
  readonly radiusKm: number;
  readonly minutes: number;
  /**
   * Set when this service is a member of an exchange: the postcode district (or ZIP3) of a store, or
   * undefined for a store with none. A live alert at a store with a district is shared with the
   * exchange, and other members' alerts for that district reach the store's live checks.
   */
  readonly exchangeDistrict?: ((storeId: string) => string | undefined) | undefined;
}

/**
 * A town's shops, a bus ride apart, for the hour the shared prompt line speaks of: the seed's victim
 * was sent "to several outlets", and published sprees move from shop to shop the same day
 * (research after-the-till-and-across-shops.md §3.1; retail-gift-card-scams.md, "Count per person").
 */
export const DEFAULT_AREA_ALERTS: AreaAlertSettings = { radiusKm: 5, minutes: 60 };

/** The most live alerts one check reads: far more than any town sees in an hour, a bound on a flood. */
const MOST_LIVE_ALERTS = 500;

export interface AreaContext {
  readonly store: Repositories;
  readonly registry: StoreRegistry;
  readonly areaAlerts: AreaAlertSettings;
  readonly clock: () => number;
}

/** What an alert says of the money: a band in the currency's major units, never the amount. */
export function valueBandOf(storedValue: number, currency: string): ValueBand {
  const major = storedValue / minorUnitsPerMajor(currency);
  if (major < 100) return 'under_100';
  if (major < 500) return '100_to_499';
  if (major < 1000) return '500_to_999';
  return '1000_plus';
}

export interface AlertRaise {
  storeId: string;
  /** The check that stopped the scam; one alert per check, whatever else happens to it. */
  checkId: string | null;
  reason: AreaAlertReason;
  livemode: boolean;
  /** The basket's stored-value lines: their brands and total go into the alert, nothing else of it. */
  lines: CheckRequest['lines'];
  currency: string;
}

/**
 * Raises an area alert for a scam stopped at `storeId`: the stores within the radius see it as
 * `area.*` facts until it expires. Called in the caller's transaction when a sale is refused, a held
 * sale is refused, a scam is confirmed, or a case opens. A check raises one alert at most: undefined
 * when it already has. It carries no one's identity: where (the store, its district), when, which
 * brands, a value band and what happened. On a member of an exchange a live one waits, committed with
 * its cause, for the background sharing (`createAlertExchange`), so a rolled-back cause shares nothing.
 */
export async function raiseAreaAlert(context: AreaContext, raise: AlertRaise): Promise<AreaAlertRow | undefined> {
  const now = context.clock();
  const location = context.registry.get(raise.storeId)?.location ?? null;
  const stored = raise.lines.filter((line) => line.kind !== 'merchandise');
  const storedValue = stored.reduce((sum, line) => sum + line.unitAmount * line.quantity, 0);
  // Only a live alert at a store with a district goes to the exchange: test traffic never leaves.
  const forExchange = raise.livemode && context.areaAlerts.exchangeDistrict?.(raise.storeId) !== undefined;
  const alert: AreaAlertRow = {
    id: newId('ala', now),
    storeId: raise.storeId,
    checkId: raise.checkId,
    reason: raise.reason,
    livemode: raise.livemode,
    raisedAt: now,
    expiresAt: now + context.areaAlerts.minutes * 60_000,
    radiusKm: context.areaAlerts.radiusKm,
    location,
    brands: [...new Set(stored.map((line) => line.brand ?? 'unknown'))].sort(),
    currency: raise.currency,
    valueBand: valueBandOf(storedValue, raise.currency),
    exchangeState: forExchange ? 'pending' : null,
    exchangeValueBand: forExchange ? exchangeValueBandOf(storedValue / minorUnitsPerMajor(raise.currency)) : null,
  };
  return (await context.store.areaAlerts.raise(alert)) ? alert : undefined;
}

const toLive = (alert: AreaAlertRow): LiveAlert | undefined =>
  alert.location === null
    ? undefined
    : {
    id: alert.id,
    storeId: alert.storeId,
    lat: alert.location.lat,
    lon: alert.location.lon,
    radiusKm: alert.radiusKm,
    raisedAt: alert.raisedAt,
    expiresAt: alert.expiresAt,
    brands: alert.brands,
  };

/**
 * The alerts a check at `storeId` sees at `at`, in its world, and the facts they make; undefined when
 * none reaches it (or the store has neither a location nor a district). Read from the database, so
 * every node sees an alert the moment it commits, and after a restart. A live check at a member's
 * store with a district also sees other members' alerts for that district, as the background sync
 * last fetched them: the exchange itself is never asked on the check's way.
 */
export async function areaSeenAt(context: AreaContext, storeId: string, livemode: boolean, at: number): Promise<AreaSeen | undefined> {
  const here = context.registry.get(storeId)?.location ?? null;
  const district = livemode ? context.areaAlerts.exchangeDistrict?.(storeId) : undefined;
  if (!here && district === undefined) return undefined;
  const [own, relayed] = await Promise.all([
    here ? context.store.areaAlerts.liveAt(livemode, at, MOST_LIVE_ALERTS) : [],
    district === undefined ? undefined : context.store.areaAlerts.relayedLiveIn(district, at, MOST_LIVE_ALERTS),
  ]);
  const live = own.map(toLive).filter((alert) => alert !== undefined);
  const others: DistrictAlerts | undefined = relayed && { alerts: relayed, km: context.areaAlerts.radiusKm };
  const finding = areaFindingAt(live, storeId, here, at, others);
  return finding.alertIds.length > 0 ? finding : undefined;
}

/** The stores in `stores` an alert reaches, nearest first, with their distance in whole kilometres (rounded up). */
export function storesReached(alert: AreaAlertRow, stores: readonly StoreRow[]): Array<{ storeId: string; km: number }> {
  const origin = alert.location;
  if (!origin) return [];
  return stores
    .filter((store) => store.id !== alert.storeId && store.location)
    .map((store) => ({ storeId: store.id, exact: haversineKm(origin, store.location!) }))
    .filter(({ exact }) => exact <= alert.radiusKm)
    .sort((a, b) => a.exact - b.exact)
    .map(({ storeId, exact }) => ({ storeId, km: Math.ceil(exact) }));
}
