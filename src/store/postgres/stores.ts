import type { Port } from '../port.js';
import type { AreaAlertRow, AreaAlertsRepository, RelayedAreaAlertRow, StoreRow, StoresRepository } from '../stores.js';
import { json, type Queryable } from './sql.js';

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
  livemode: boolean;
  raised_at: number;
  expires_at: number;
  radius_km: number;
  lat: number | null;
  lon: number | null;
  district: string | null;
  brands: string[];
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
  brands: string[];
  value_band: string;
  action: string;
}

const toRelayed = (row: RelayedRecordRow): RelayedAreaAlertRow => ({
  id: row.id,
  district: row.district,
  raisedAt: row.raised_at,
  receivedAt: row.received_at,
  expiresAt: row.expires_at,
  brands: row.brands,
  valueBand: row.value_band,
  action: row.action,
});

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
    livemode: row.livemode,
    raisedAt: row.raised_at,
    expiresAt: row.expires_at,
    radiusKm: row.radius_km,
    location: locationOf(row),
    brands: row.brands,
    currency: row.currency,
    valueBand: row.value_band,
    exchangeState: row.exchange_state,
    exchangeValueBand: row.exchange_value_band,
  };
}

export function storesRepository(sql: Queryable): Port<StoresRepository> {
  return {
    async put(store) {
      await sql`
        INSERT INTO stores (id, name, time_zone, locale, currency, lat, lon, district, source, created_at, updated_at)
        VALUES (${store.id}, ${store.name}, ${store.timeZone}, ${store.locale}, ${store.currency}, ${store.location?.lat ?? null},
          ${store.location?.lon ?? null}, ${store.location?.district ?? null}, ${store.source}, ${store.createdAt}, ${store.updatedAt})
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, locale = excluded.locale,
          currency = excluded.currency, lat = excluded.lat, lon = excluded.lon, district = excluded.district,
          source = excluded.source, updated_at = excluded.updated_at`;
    },
    async find(id) {
      const [row] = await sql<StoreRecordRow[]>`SELECT * FROM stores WHERE id = ${id}`;
      return row && toStore(row);
    },
    async list() {
      return (await sql<StoreRecordRow[]>`SELECT * FROM stores ORDER BY id`).map(toStore);
    },
    async remove(id) {
      return (await sql`DELETE FROM stores WHERE id = ${id}`).count === 1;
    },
    async noteUnknown(storeId, at) {
      await sql`INSERT INTO unknown_stores (store_id, first_seen_at) VALUES (${storeId}, ${at}) ON CONFLICT DO NOTHING`;
    },
    async unknown() {
      const rows = await sql<Array<{ store_id: string; first_seen_at: number }>>`
        SELECT u.store_id, u.first_seen_at FROM unknown_stores u
        WHERE NOT EXISTS (SELECT 1 FROM stores s WHERE s.id = u.store_id) ORDER BY u.first_seen_at, u.store_id`;
      return rows.map((row) => ({ storeId: row.store_id, firstSeenAt: row.first_seen_at }));
    },
  };
}

export function areaAlertsRepository(sql: Queryable): Port<AreaAlertsRepository> {
  return {
    async raise(alert) {
      const result = await sql`
        INSERT INTO area_alerts (id, store_id, check_id, reason, livemode, raised_at, expires_at, radius_km, lat, lon, district, brands, currency, value_band, exchange_state, exchange_value_band)
        VALUES (${alert.id}, ${alert.storeId}, ${alert.checkId}, ${alert.reason}, ${alert.livemode}, ${alert.raisedAt}, ${alert.expiresAt},
          ${alert.radiusKm}, ${alert.location?.lat ?? null}, ${alert.location?.lon ?? null}, ${alert.location?.district ?? null},
          ${json(alert.brands)}::jsonb, ${alert.currency}, ${alert.valueBand}, ${alert.exchangeState}, ${alert.exchangeValueBand})
        ON CONFLICT (check_id) DO NOTHING`;
      return result.count === 1;
    },
    async liveAt(livemode, at, limit) {
      const rows = await sql<AlertRecordRow[]>`
        SELECT * FROM area_alerts WHERE livemode = ${livemode} AND expires_at > ${at} AND raised_at <= ${at} AND lat IS NOT NULL
        ORDER BY raised_at DESC LIMIT ${limit}`;
      return rows.map(toAlert);
    },
    async raisedSince(from, limit) {
      return (await sql<AlertRecordRow[]>`SELECT * FROM area_alerts WHERE livemode AND raised_at >= ${from} ORDER BY raised_at DESC LIMIT ${limit}`).map(toAlert);
    },
    async find(id) {
      const [row] = await sql<AlertRecordRow[]>`SELECT * FROM area_alerts WHERE id = ${id}`;
      return row && toAlert(row);
    },
    async toShare(at, limit) {
      const rows = await sql<AlertRecordRow[]>`
        SELECT * FROM area_alerts WHERE exchange_state = 'pending' AND expires_at > ${at} ORDER BY expires_at LIMIT ${limit}`;
      return rows.map(toAlert);
    },
    async markShared(id, exchangeId) {
      await sql`UPDATE area_alerts SET exchange_state = 'shared', exchange_id = ${exchangeId} WHERE id = ${id} AND exchange_state = 'pending'`;
    },
    async addRelayed(alert) {
      const result = await sql`
        INSERT INTO relayed_area_alerts (id, district, raised_at, received_at, expires_at, brands, value_band, action)
        VALUES (${alert.id}, ${alert.district}, ${alert.raisedAt}, ${alert.receivedAt}, ${alert.expiresAt}, ${json(alert.brands)}::jsonb, ${alert.valueBand}, ${alert.action})
        ON CONFLICT (id) DO NOTHING`;
      return result.count === 1;
    },
    async relayedLiveIn(district, at, limit) {
      const rows = await sql<RelayedRecordRow[]>`
        SELECT * FROM relayed_area_alerts WHERE district = ${district} AND expires_at > ${at} AND raised_at <= ${at}
        ORDER BY expires_at DESC LIMIT ${limit}`;
      return rows.map(toRelayed);
    },
    async relayedCursor() {
      const [row] = await sql<Array<{ at: number | null }>>`SELECT max(received_at) AS at FROM relayed_area_alerts`;
      return row!.at;
    },
  };
}
