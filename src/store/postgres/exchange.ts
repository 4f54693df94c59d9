import type { ValueBand } from '../../contract/exchange.js';
import { EXCHANGE_MIGRATIONS, type ExchangeStore, toRelayedAlert } from '../exchange.js';
import { connect } from './sql.js';

/** The exchange's storage on PostgreSQL, for an exchange run on several nodes (see src/store/exchange.ts). */
export async function openPostgresExchangeStore(url: string): Promise<ExchangeStore> {
  const sql = connect(url, { max: 10 });
  try {
    await sql.begin(async (tx) => {
      // One node migrates at a time; the others wait here and find nothing left to do.
      await tx`SELECT pg_advisory_xact_lock(hashtext('vouchsafe-exchange-migrate'))`;
      await tx`CREATE TABLE IF NOT EXISTS exchange_schema (version INTEGER NOT NULL)`;
      const [row] = await tx<Array<{ version: number }>>`SELECT max(version) AS version FROM exchange_schema`;
      const version = row?.version ?? 0;
      for (let i = version; i < EXCHANGE_MIGRATIONS.length; i++) {
        await tx.unsafe(EXCHANGE_MIGRATIONS[i]!);
        await tx`INSERT INTO exchange_schema (version) VALUES (${i + 1})`;
      }
    });
  } catch (error) {
    await sql.end();
    throw error;
  }
  return {
    kind: 'postgres',
    async useNonce(memberId, nonce, at) {
      const rows = await sql`INSERT INTO exchange_nonces (member_id, nonce, at) VALUES (${memberId}, ${nonce}, ${at}) ON CONFLICT DO NOTHING RETURNING 1`;
      return rows.length === 1;
    },
    async sight(memberId, linkId, at, valueBand, since) {
      return sql.begin(async (tx) => {
        const rows = await tx<Array<{ member_id: string; at: number; value_band: ValueBand }>>`
          SELECT member_id, at, value_band FROM exchange_sightings WHERE link_id = ${linkId} AND member_id <> ${memberId} AND at >= ${since}`;
        await tx`
          INSERT INTO exchange_sightings (link_id, member_id, at, value_band) VALUES (${linkId}, ${memberId}, ${at}, ${valueBand})
          ON CONFLICT (link_id, member_id) DO UPDATE SET at = excluded.at, value_band = excluded.value_band`;
        return rows.map((row) => ({ memberId: row.member_id, at: Number(row.at), valueBand: row.value_band }));
      });
    },
    async addAlert(id, memberId, alert, receivedAt) {
      await sql`
        INSERT INTO exchange_alerts (id, member_id, district, at, brands, value_band, action, received_at)
        VALUES (${id}, ${memberId}, ${alert.district}, ${alert.at}, ${JSON.stringify(alert.brands)}, ${alert.valueBand}, ${alert.action}, ${receivedAt})`;
    },
    async alerts(memberId, districts, since) {
      const rows = await sql<Parameters<typeof toRelayedAlert>[0][]>`
        SELECT id, district, at, brands, value_band, action, received_at FROM exchange_alerts
        WHERE district = ANY(${[...districts]}::text[]) AND received_at >= ${since} AND member_id <> ${memberId}
        ORDER BY received_at, id LIMIT 100`;
      return rows.map(toRelayedAlert);
    },
    async purge(nonceBefore, dataBefore) {
      await sql`DELETE FROM exchange_nonces WHERE at < ${nonceBefore}`;
      await sql`DELETE FROM exchange_sightings WHERE at < ${dataBefore}`;
      await sql`DELETE FROM exchange_alerts WHERE received_at < ${dataBefore}`;
    },
    async close() {
      await sql.end();
    },
  };
}
