import Database from 'better-sqlite3';
import type { AreaAlert, RelayedAlert, ValueBand } from '../contract/exchange.js';
import { openPostgresExchangeStore } from './postgres/exchange.js';

/**
 * The exchange's own storage: a separate service with a separate database, never a member's. It
 * keeps four things, each only as long as it is useful: nonces for the signature window, card
 * sightings (a member id, an OPRF linking id, a time and a value band) for 24 hours, alerts for
 * 24 hours. Its schema is its own set of migrations, numbered from 1, apart from a member's.
 */
export interface ExchangeStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Records a request's nonce; false when the member used it already (a replay). */
  useNonce(memberId: string, nonce: string, at: number): Promise<boolean>;
  /**
   * Records that `memberId` saw the card behind `linkId` now (one row per member and card: a retry or
   * a second basket updates it), and returns the other members' sightings since `since`.
   */
  sight(memberId: string, linkId: string, at: number, valueBand: ValueBand, since: number): Promise<Array<{ memberId: string; at: number; valueBand: ValueBand }>>;
  addAlert(id: string, memberId: string, alert: AreaAlert, receivedAt: number): Promise<void>;
  /** Alerts in these districts received since `since`, from members other than `memberId`, oldest first, 100 at most: a member pages on with the last one's time. */
  alerts(memberId: string, districts: readonly string[], since: number): Promise<RelayedAlert[]>;
  /** Deletes nonces, sightings and alerts older than their keeping times. */
  purge(nonceBefore: number, dataBefore: number): Promise<void>;
  close(): Promise<void>;
}

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE exchange_nonces (member_id TEXT NOT NULL, nonce TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (member_id, nonce));
   CREATE INDEX exchange_nonces_at ON exchange_nonces (at);
   CREATE TABLE exchange_sightings (link_id TEXT NOT NULL, member_id TEXT NOT NULL, at BIGINT NOT NULL, value_band TEXT NOT NULL, PRIMARY KEY (link_id, member_id));
   CREATE INDEX exchange_sightings_at ON exchange_sightings (at);
   CREATE TABLE exchange_alerts (id TEXT PRIMARY KEY, member_id TEXT NOT NULL, district TEXT NOT NULL, at TEXT NOT NULL, brands TEXT NOT NULL, value_band TEXT NOT NULL, action TEXT NOT NULL, received_at BIGINT NOT NULL);
   CREATE INDEX exchange_alerts_district ON exchange_alerts (district, received_at);`,
];

/** The exchange schema's migrations, shared by both engines (plain SQL both accept). */
export const EXCHANGE_MIGRATIONS = MIGRATIONS;

const isPostgresUrl = (location: string) => /^postgres(ql)?:\/\//i.test(location);

/** Opens the exchange's database: a file path for SQLite, a postgres:// URL for several exchange nodes. */
export async function openExchangeStore(location: string): Promise<ExchangeStore> {
  return isPostgresUrl(location) ? openPostgresExchangeStore(location) : openSqliteExchangeStore(location);
}

interface AlertRow {
  id: string;
  district: string;
  at: string;
  brands: string;
  value_band: ValueBand;
  action: AreaAlert['action'];
  received_at: number;
}

export const toRelayedAlert = (row: AlertRow): RelayedAlert => ({
  id: row.id,
  district: row.district,
  at: row.at,
  brands: JSON.parse(row.brands) as string[],
  valueBand: row.value_band,
  action: row.action,
  receivedAt: new Date(Number(row.received_at)).toISOString(),
});

function openSqliteExchangeStore(path: string): ExchangeStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  // Nonces and sightings last minutes to a day: a power cut losing the last moment's costs a link, not a record anyone keeps.
  db.pragma('synchronous = NORMAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    for (let i = version; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();

  const insertNonce = db.prepare('INSERT OR IGNORE INTO exchange_nonces (member_id, nonce, at) VALUES (?, ?, ?)');
  const upsertSighting = db.prepare(
    `INSERT INTO exchange_sightings (link_id, member_id, at, value_band) VALUES (?, ?, ?, ?)
     ON CONFLICT (link_id, member_id) DO UPDATE SET at = excluded.at, value_band = excluded.value_band`,
  );
  const others = db.prepare<[string, string, number], { member_id: string; at: number; value_band: ValueBand }>(
    'SELECT member_id, at, value_band FROM exchange_sightings WHERE link_id = ? AND member_id <> ? AND at >= ?',
  );
  const insertAlert = db.prepare(
    'INSERT INTO exchange_alerts (id, member_id, district, at, brands, value_band, action, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const sight = db.transaction((memberId: string, linkId: string, at: number, valueBand: ValueBand, since: number) => {
    const rows = others.all(linkId, memberId, since);
    upsertSighting.run(linkId, memberId, at, valueBand);
    return rows.map((row) => ({ memberId: row.member_id, at: row.at, valueBand: row.value_band }));
  });
  return {
    kind: 'sqlite',
    useNonce: async (memberId, nonce, at) => insertNonce.run(memberId, nonce, at).changes === 1,
    sight: async (memberId, linkId, at, valueBand, since) => sight(memberId, linkId, at, valueBand, since),
    async addAlert(id, memberId, alert, receivedAt) {
      insertAlert.run(id, memberId, alert.district, alert.at, JSON.stringify(alert.brands), alert.valueBand, alert.action, receivedAt);
    },
    async alerts(memberId, districts, since) {
      const rows = db
        .prepare<unknown[], AlertRow>(
          `SELECT id, district, at, brands, value_band, action, received_at FROM exchange_alerts
           WHERE district IN (${districts.map(() => '?').join(', ')}) AND received_at >= ? AND member_id <> ? ORDER BY received_at, id LIMIT 100`,
        )
        .all(...districts, since, memberId);
      return rows.map(toRelayedAlert);
    },
    async purge(nonceBefore, dataBefore) {
      db.prepare('DELETE FROM exchange_nonces WHERE at < ?').run(nonceBefore);
      db.prepare('DELETE FROM exchange_sightings WHERE at < ?').run(dataBefore);
      db.prepare('DELETE FROM exchange_alerts WHERE received_at < ?').run(dataBefore);
    },
    async close() {
      db.close();
    },
  };
}
