import type { FamilyWindowFacts, HistoryFacts, HistoryWindowFacts } from '../../contract/fact-schema.js';
import { FAMILY_WINDOWS, type HistoryRepository, SHARED_AFTER_CHECKS, SHARED_AFTER_PARTNERS, WINDOWS } from '../history.js';
import type { Port } from '../port.js';
import type { Queryable } from './sql.js';

type Window = keyof typeof WINDOWS;

type FamilyWindow = keyof typeof FAMILY_WINDOWS;

type WindowRow = Record<`${Window}_${'stored_value' | 'checks' | 'stores' | 'prompted'}`, number> &
  Record<`family_${FamilyWindow}_${'checks' | 'days' | 'stored_value'}`, number>;

/**
 * The customer history windows, as `historyRepository` (SQLite) counts them, query for query: they
 * decide who is prompted, so both adapters must give the same facts for the same checks.
 */
export function historyRepository(sql: Queryable): Port<HistoryRepository> {
  // Times are where each check sits in history (the service's receive time), never the till's
  // clock. Each identifier is read back for at most its latest SHARED_AFTER_CHECKS checks: the cost
  // of a check does not grow with how often one identifier is used.
  const latest = (identity: string | ReturnType<Queryable>, at: number) => sql`
    SELECT check_id, at FROM check_identities
    WHERE identity = ${identity} AND at >= ${at - WINDOWS.d30} AND at < ${at}
    ORDER BY at DESC LIMIT ${SHARED_AFTER_CHECKS}`;

  const windowColumns = (at: number, storeId: string) =>
    (Object.keys(WINDOWS) as Window[]).flatMap((name, index) => {
      const since = at - WINDOWS[name];
      const column = sql`
        coalesce(sum(CASE WHEN r.at >= ${since} THEN c.stored_value END), 0) AS ${sql(`${name}_stored_value`)},
        count(CASE WHEN r.at >= ${since} THEN 1 END) AS ${sql(`${name}_checks`)},
        count(DISTINCT CASE WHEN r.at >= ${since} AND c.store_id != ${storeId} THEN c.store_id END) AS ${sql(`${name}_stores`)},
        count(CASE WHEN r.at >= ${since} AND c.warned THEN 1 END) AS ${sql(`${name}_prompted`)}`;
      return index === 0 ? [column] : [sql`,`, column];
    });
  // A check with no named gift card has family '': it is no kind of card, so never the same kind.
  const familyColumns = (at: number, family: string) =>
    (Object.keys(FAMILY_WINDOWS) as FamilyWindow[]).flatMap((name) => {
      const same = sql`r.at >= ${at - FAMILY_WINDOWS[name]} AND c.brand_family = ${family} AND ${family} != ''`;
      return [
        sql`,
        count(CASE WHEN ${same} THEN 1 END) AS ${sql(`family_${name}_checks`)},
        count(DISTINCT CASE WHEN ${same} THEN c.business_day END) AS ${sql(`family_${name}_days`)},
        coalesce(sum(CASE WHEN ${same} THEN c.stored_value END), 0) AS ${sql(`family_${name}_stored_value`)}`,
      ];
    });
  const toFacts = (row: WindowRow): HistoryFacts => {
    const window = (name: Window): HistoryWindowFacts => ({
      storedValue: row[`${name}_stored_value`],
      checks: row[`${name}_checks`],
      stores: row[`${name}_stores`],
      prompted: row[`${name}_prompted`],
    });
    const sameFamily = (name: FamilyWindow): FamilyWindowFacts => ({
      checks: row[`family_${name}_checks`],
      days: row[`family_${name}_days`],
      storedValue: row[`family_${name}_stored_value`],
    });
    return { h1: window('h1'), h24: window('h24'), d30: window('d30'), sameFamily: { d7: sameFamily('d7'), d30: sameFamily('d30') } };
  };

  return {
    /**
     * The customer's earlier checks (by any of their identity hashes) in the hour, day and 30 days
     * before `at`, and those of brand family `family` in 7 and 30 days, leaving out `checkId` itself
     * so a resent transaction never counts twice.
     */
    async windows(identities, at, storeId, checkId, family = '') {
      const [first, second = first] = identities;
      if (first === undefined) throw new Error('history needs at least one identity');
      const [row] = await sql<WindowRow[]>`
        WITH recent AS (
          SELECT check_id, max(at) AS at
          FROM ((${latest(first, at)}) UNION ALL (${latest(second!, at)})) AS latest
          GROUP BY check_id
        )
        SELECT ${windowColumns(at, storeId)} ${familyColumns(at, family)}
        FROM recent r JOIN checks c ON c.id = r.check_id
        WHERE c.id != ${checkId} AND c.stored_value > 0`;
      return toFacts(row!);
    },

    /**
     * Whether an identifier is used by many people rather than one, judged on its 30 days before
     * `at`: SHARED_AFTER_CHECKS checks, or more than SHARED_AFTER_PARTNERS other identifiers beside it.
     */
    async isShared(identity, at) {
      const [row] = await sql<{ checks: number; partners: number }[]>`
        SELECT count(DISTINCT mine.check_id) AS checks, count(DISTINCT other.identity) AS partners
        FROM (${latest(identity, at)}) AS mine
        LEFT JOIN check_identities other ON other.check_id = mine.check_id AND other.identity != ${identity}`;
      return row!.checks >= SHARED_AFTER_CHECKS || row!.partners > SHARED_AFTER_PARTNERS;
    },

    /**
     * isShared for each identity and the windows of those that are not, in one statement: the
     * database may be across a network, and this is on every till's path.
     */
    async customer(identities, at, storeId, checkId, family = '') {
      const [row] = await sql<(WindowRow & { personal: string[] })[]>`
        WITH given AS (
          SELECT identity, position FROM unnest(${[...identities]}::text[]) WITH ORDINALITY AS g (identity, position)
        ),
        personal AS (
          SELECT g.identity, g.position FROM given g, LATERAL (
            SELECT count(DISTINCT mine.check_id) AS checks, count(DISTINCT other.identity) AS partners
            FROM (${latest(sql`g.identity`, at)}) AS mine
            LEFT JOIN check_identities other ON other.check_id = mine.check_id AND other.identity != g.identity
          ) AS spread
          WHERE spread.checks < ${SHARED_AFTER_CHECKS} AND spread.partners <= ${SHARED_AFTER_PARTNERS}
        ),
        recent AS (
          SELECT latest.check_id, max(latest.at) AS at FROM personal p, LATERAL (${latest(sql`p.identity`, at)}) AS latest
          GROUP BY latest.check_id
        )
        SELECT (SELECT coalesce(array_agg(identity ORDER BY position), '{}') FROM personal) AS personal, ${windowColumns(at, storeId)} ${familyColumns(at, family)}
        FROM recent r JOIN checks c ON c.id = r.check_id
        WHERE c.id != ${checkId} AND c.stored_value > 0`;
      return { personal: row!.personal, windows: row!.personal.length > 0 ? toFacts(row!) : null };
    },
  };
}
