import type { Database } from 'better-sqlite3';

/** A store in the registry, as the database keeps it. */
export interface StoreRow {
  id: string;
  name: string;
  timeZone: string;
  locale: string;
  currency: string;
  /** null: the store has no location, so area alerts neither start nor arrive there by distance. */
  location: { lat: number; lon: number; district: string | null } | null;
  source: 'api' | 'file';
  createdAt: number;
  updatedAt: number;
}

/** A scam stopped at one store, as the database keeps it: where and when, how far and how long it reaches. */
export interface AreaAlertRow {
  id: string;
  storeId: string;
  checkId: string | null;
  reason: string;
  livemode: boolean;
  raisedAt: number;
  expiresAt: number;
  radiusKm: number;
  location: { lat: number; lon: number; district: string | null } | null;
  brands: string[];
  currency: string;
  valueBand: string;
  /** A live alert at a member's store: 'pending' until the exchange has it, then 'shared'; null when it is not for the exchange. */
  exchangeState: 'pending' | 'shared' | null;
  /** The basket's band as the exchange counts it (finer than `valueBand`); set when the alert is for the exchange. */
  exchangeValueBand: string | null;
}

/** Another member's alert, as the exchange relayed it for one of this member's districts. */
export interface RelayedAreaAlertRow {
  /** The exchange's id for it: the same alert relayed twice is kept once. */
  id: string;
  district: string;
  raisedAt: number;
  /** When the exchange received it, on the exchange's clock: where the next poll starts. */
  receivedAt: number;
  expiresAt: number;
  brands: string[];
  valueBand: string;
  action: string;
}

interface StoreRecordRow {
  id: string;
  name: string;
  time_zone: string;
  locale: string;
  currency: string;
  lat: number | null;
  lon: number | null;
  district: string | null;
  source: 'api' | 'file';
  created_at: number;
  updated_at: number;
}

interface AlertRecordRow {
  id: string;
  store_id: string;
  check_id: string | null;
  reason: string;
  livemode: number;
  raised_at: number;
  expires_at: number;
  radius_km: number;
  lat: number | null;
  lon: number | null;
  district: string | null;
  brands: string;
  currency: string;
  value_band: string;
  exchange_state: 'pending' | 'shared' | null;
  exchange_value_band: string | null;
}

interface RelayedRecordRow {
  id: string;
  district: string;
  raised_at: number;
  received_at: number;
  expires_at: number;
  brands: string;
  value_band: string;
  action: string;
}

const locationOf = (row: { lat: number | null; lon: number | null; district: string | null }) =>
  row.lat === null || row.lon === null ? null : { lat: row.lat, lon: row.lon, district: row.district };

function toStore(row: StoreRecordRow): StoreRow {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    locale: row.locale,
    currency: row.currency,
    location: locationOf(row),
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toAlert(row: AlertRecordRow): AreaAlertRow {
  return {
    id: row.id,
    storeId: row.store_id,
    checkId: row.check_id,
    reason: row.reason,
    livemode: row.livemode === 1,
    raisedAt: row.raised_at,
    expiresAt: row.expires_at,
    radiusKm: row.radius_km,
    location: locationOf(row),
    brands: JSON.parse(row.brands),
    currency: row.currency,
    valueBand: row.value_band,
    exchangeState: row.exchange_state,
    exchangeValueBand: row.exchange_value_band,
  };
}

const toRelayed = (row: RelayedRecordRow): RelayedAreaAlertRow => ({
  id: row.id,
  district: row.district,
  raisedAt: row.raised_at,
  receivedAt: row.received_at,
  expiresAt: row.expires_at,
  brands: JSON.parse(row.brands),
  valueBand: row.value_band,
  action: row.action,
});

const storeParams = (store: StoreRow) => ({
  id: store.id,
  name: store.name,
  timeZone: store.timeZone,
  locale: store.locale,
  currency: store.currency,
  lat: store.location?.lat ?? null,
  lon: store.location?.lon ?? null,
  district: store.location?.district ?? null,
  source: store.source,
  createdAt: store.createdAt,
  updatedAt: store.updatedAt,
});

export type StoresRepository = ReturnType<typeof storesRepository>;

/** The registry of stores, and the store ids tills sent that it lacked. */
export function storesRepository(db: Database) {
  const upsert = db.prepare(`
    INSERT INTO stores (id, name, time_zone, locale, currency, lat, lon, district, source, created_at, updated_at)
    VALUES (@id, @name, @timeZone, @locale, @currency, @lat, @lon, @district, @source, @createdAt, @updatedAt)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, locale = excluded.locale,
      currency = excluded.currency, lat = excluded.lat, lon = excluded.lon, district = excluded.district,
      source = excluded.source, updated_at = excluded.updated_at`);
  const byId = db.prepare<[string], StoreRecordRow>('SELECT * FROM stores WHERE id = ?');
  const all = db.prepare<[], StoreRecordRow>('SELECT * FROM stores ORDER BY id');
  const remove = db.prepare<[string]>('DELETE FROM stores WHERE id = ?');
  const noteUnknown = db.prepare<[string, number]>('INSERT INTO unknown_stores (store_id, first_seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const unknown = db.prepare<[], { store_id: string; first_seen_at: number }>(
    'SELECT u.store_id, u.first_seen_at FROM unknown_stores u WHERE NOT EXISTS (SELECT 1 FROM stores s WHERE s.id = u.store_id) ORDER BY u.first_seen_at, u.store_id',
  );
  return {
    /** Creates the store, or replaces it keeping when it was first made. */
    put(store: StoreRow): void {
      upsert.run(storeParams(store));
    },
    find: (id: string): StoreRow | undefined => {
      const row = byId.get(id);
      return row && toStore(row);
    },
    list: (): StoreRow[] => all.all().map(toStore),
    /** Returns false if there was no such store. */
    remove: (id: string): boolean => remove.run(id).changes === 1,
    /** Notes that a till sent a store id the registry lacks (the first time only). */
    noteUnknown(storeId: string, at: number): void {
      noteUnknown.run(storeId, at);
    },
    /** Store ids tills have sent that the registry still lacks, first seen first. */
    unknown: (): Array<{ storeId: string; firstSeenAt: number }> =>
      unknown.all().map((row) => ({ storeId: row.store_id, firstSeenAt: row.first_seen_at })),
  };
}

export type AreaAlertsRepository = ReturnType<typeof areaAlertsRepository>;

/** Area alerts: raised once per check at most, read by the checks made while they are live. */
export function areaAlertsRepository(db: Database) {
  const insert = db.prepare(`
    INSERT INTO area_alerts (id, store_id, check_id, reason, livemode, raised_at, expires_at, radius_km, lat, lon, district, brands, currency, value_band, exchange_state, exchange_value_band)
    VALUES (@id, @storeId, @checkId, @reason, @livemode, @raisedAt, @expiresAt, @radiusKm, @lat, @lon, @district, @brands, @currency, @valueBand, @exchangeState, @exchangeValueBand)
    ON CONFLICT (check_id) DO NOTHING`);
  const live = db.prepare<[number, number, number, number], AlertRecordRow>(
    'SELECT * FROM area_alerts WHERE livemode = ? AND expires_at > ? AND raised_at <= ? AND lat IS NOT NULL ORDER BY raised_at DESC LIMIT ?',
  );
  const since = db.prepare<[number, number], AlertRecordRow>('SELECT * FROM area_alerts WHERE livemode = 1 AND raised_at >= ? ORDER BY raised_at DESC LIMIT ?');
  const byId = db.prepare<[string], AlertRecordRow>('SELECT * FROM area_alerts WHERE id = ?');
  const toShare = db.prepare<[number, number], AlertRecordRow>(
    "SELECT * FROM area_alerts WHERE exchange_state = 'pending' AND expires_at > ? ORDER BY expires_at LIMIT ?",
  );
  const shared = db.prepare<[string, string]>("UPDATE area_alerts SET exchange_state = 'shared', exchange_id = ? WHERE id = ? AND exchange_state = 'pending'");
  const insertRelayed = db.prepare(`
    INSERT INTO relayed_area_alerts (id, district, raised_at, received_at, expires_at, brands, value_band, action)
    VALUES (@id, @district, @raisedAt, @receivedAt, @expiresAt, @brands, @valueBand, @action)
    ON CONFLICT (id) DO NOTHING`);
  const relayedLive = db.prepare<[string, number, number, number], RelayedRecordRow>(
    'SELECT * FROM relayed_area_alerts WHERE district = ? AND expires_at > ? AND raised_at <= ? ORDER BY expires_at DESC LIMIT ?',
  );
  const cursor = db.prepare<[], { at: number | null }>('SELECT max(received_at) AS at FROM relayed_area_alerts');
  return {
    /** Returns false when the check already raised one: a check raises one alert, whatever else happens to it. */
    raise(alert: AreaAlertRow): boolean {
      return (
        insert.run({
          ...alert,
          livemode: alert.livemode ? 1 : 0,
          lat: alert.location?.lat ?? null,
          lon: alert.location?.lon ?? null,
          district: alert.location?.district ?? null,
          brands: JSON.stringify(alert.brands),
        }).changes === 1
      );
    },
    /** Alerts still live at `at` that wait to be shared with the exchange, the first to expire first (the oldest, as every alert lasts as long). */
    toShare: (at: number, limit: number): AreaAlertRow[] => toShare.all(at, limit).map(toAlert),
    /** Notes that the exchange has the alert, under its id `exchangeId`. */
    markShared(id: string, exchangeId: string): void {
      shared.run(exchangeId, id);
    },
    /** Keeps another member's alert; false when it was kept already (the exchange's id is the key). */
    addRelayed: (alert: RelayedAreaAlertRow): boolean => insertRelayed.run({ ...alert, brands: JSON.stringify(alert.brands) }).changes === 1,
    /** Other members' alerts in `district` live at `at`, the last to expire first (the newest), `limit` at most: read in the index's order. */
    relayedLiveIn: (district: string, at: number, limit: number): RelayedAreaAlertRow[] => relayedLive.all(district, at, at, limit).map(toRelayed),
    /** When the exchange received the latest relayed alert kept, on its clock; null when none is. */
    relayedCursor: (): number | null => cursor.get()!.at,
    /** Alerts with a location, of one world, live at `at`: raised by then and not yet expired, newest first, `limit` at most. */
    liveAt: (livemode: boolean, at: number, limit: number): AreaAlertRow[] => live.all(livemode ? 1 : 0, at, at, limit).map(toAlert),
    /** Live-mode alerts raised since `from`, newest first: what the dashboard and an exchange read. */
    raisedSince: (from: number, limit: number): AreaAlertRow[] => since.all(from, limit).map(toAlert),
    find: (id: string): AreaAlertRow | undefined => {
      const row = byId.get(id);
      return row && toAlert(row);
    },
  };
}
