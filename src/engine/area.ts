import type { AreaFacts } from '../contract/area.js';

/** A point in WGS 84 degrees. */
export interface Point {
  readonly lat: number;
  readonly lon: number;
}

/** An alert as the facts need it: where and when it was raised, how far and how long it reaches. */
export interface LiveAlert {
  readonly id: string;
  readonly storeId: string;
  readonly lat: number;
  readonly lon: number;
  readonly radiusKm: number;
  readonly raisedAt: number;
  readonly expiresAt: number;
  readonly brands: readonly string[];
}

/**
 * Another retailer's alert, relayed by the exchange for the district the store is in: it names the
 * district, never a store or a point, so it has no distance of its own.
 */
export interface DistrictAlert {
  readonly id: string;
  readonly raisedAt: number;
  readonly expiresAt: number;
  readonly brands: readonly string[];
}

/** Alerts from other retailers in the store's district, and how far away `nearestKm` counts them. */
export interface DistrictAlerts {
  readonly alerts: Iterable<DistrictAlert>;
  /**
   * The distance a district alert counts as: the radius of the retailer's own alerts. Somewhere in the
   * same district is "nearby" as the prompt says it, but never nearer than that, so a rule asking for a
   * scam closer than the radius is met only by an alert whose place is known.
   */
  readonly km: number;
}

export const NO_AREA: AreaFacts = Object.freeze({ scamsStopped: 0, nearestKm: -1, minutesSince: -1, brands: [] });

const EARTH_RADIUS_KM = 6371.0088;
const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance by the haversine formula: within 0.5% of the ellipsoid, far finer than any alert radius. */
export function haversineKm(a: Point, b: Point): number {
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface AreaFinding {
  facts: AreaFacts;
  /** The alerts counted, oldest first: what the check's record keeps, so the decision can be explained. */
  alertIds: string[];
}

/**
 * What a check at `storeId`, standing at `here`, sees at `at` of `alerts`: those raised at other
 * stores, at or before `at`, not yet expired, within their own radius of `here`; and of `district`,
 * other retailers' alerts for the store's district live at `at`, counted `district.km` away. The same
 * function serves a live check and a back-test, so both count alike.
 */
export function areaFindingAt(alerts: Iterable<LiveAlert>, storeId: string, here: Point | null, at: number, district?: DistrictAlerts): AreaFinding {
  const seen: Array<{ alert: DistrictAlert; km: number }> = [];
  if (here) {
    for (const alert of alerts) {
      if (alert.storeId === storeId || alert.raisedAt > at || alert.expiresAt <= at) continue;
      const km = haversineKm(here, alert);
      if (km <= alert.radiusKm) seen.push({ alert, km });
    }
  }
  for (const alert of district?.alerts ?? []) {
    if (alert.raisedAt <= at && alert.expiresAt > at) seen.push({ alert, km: district!.km });
  }
  if (seen.length === 0) return { facts: NO_AREA, alertIds: [] };
  seen.sort((a, b) => a.alert.raisedAt - b.alert.raisedAt || (a.alert.id < b.alert.id ? -1 : 1));
  const latest = seen.at(-1)!.alert.raisedAt;
  return {
    facts: {
      scamsStopped: seen.length,
      nearestKm: Math.ceil(Math.min(...seen.map(({ km }) => km))),
      minutesSince: Math.floor((at - latest) / 60_000),
      brands: [...new Set(seen.flatMap(({ alert }) => alert.brands))].sort(),
    },
    alertIds: seen.map(({ alert }) => alert.id),
  };
}
