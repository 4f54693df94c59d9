import type { Port } from '../port.js';
import type { RetentionRepository } from '../retention.js';
import type { Queryable } from './sql.js';

/**
 * Deletes what is older than the retention period, as `retentionRepository` (SQLite) does.
 * Evaluations, matched rules, identity hashes and reviews go with their check (ON DELETE CASCADE).
 * Each batch is one statement and so its own transaction: the service keeps answering tills between
 * batches, and a purge stopped half-way leaves whole checks.
 */
export function retentionRepository(sql: Queryable): Port<RetentionRepository> {
  const deleteOldest = async (before: number, batchSize: number, testOnly: boolean) =>
    (
      await sql`
        DELETE FROM checks WHERE id IN (
          SELECT id FROM checks WHERE occurred_at < ${before} ${testOnly ? sql`AND NOT livemode` : sql``}
          ORDER BY occurred_at LIMIT ${batchSize}
        )`
    ).count;

  return {
    /** Deletes up to `limit` test-mode checks that occurred before `before`, oldest first, in the caller's transaction. Returns how many. */
    deleteTestChecksBefore: (before, limit) => deleteOldest(before, limit, true),
    /** Deletes test-mode checks that occurred before `before`, in batches like purgeChecksBefore. Returns how many. */
    async purgeTestChecksBefore(before, batchSize = 5000) {
      let total = 0;
      for (;;) {
        const deleted = await deleteOldest(before, batchSize, true);
        total += deleted;
        if (deleted < batchSize) return total;
      }
    },
    async countChecksBefore(before) {
      const [row] = await sql<{ n: number }[]>`SELECT count(*) AS n FROM checks WHERE occurred_at < ${before}`;
      return row!.n;
    },
    /** Empties the sealed serials and activation ids of up to `limit` cards recorded before `before`, oldest first. Returns how many. */
    purgeCardSecretsBefore: async (before, limit) =>
      (
        await sql`
          UPDATE check_cards SET sealed = NULL WHERE id IN (
            SELECT id FROM check_cards WHERE sealed IS NOT NULL AND recorded_at < ${before} ORDER BY recorded_at LIMIT ${limit}
          )`
      ).count,
    /** Deletes area alerts, this retailer's and those the exchange relayed, raised before `before`. Returns how many. */
    async purgeAreaAlertsBefore(before) {
      const [own, relayed] = await Promise.all([sql`DELETE FROM area_alerts WHERE raised_at < ${before}`, sql`DELETE FROM relayed_area_alerts WHERE raised_at < ${before}`]);
      return own.count + relayed.count;
    },
    /** Deletes webhook events that happened before `before`, with their deliveries and attempts. Returns how many. */
    purgeWebhookEventsBefore: async (before) => (await sql`DELETE FROM webhook_events WHERE occurred_at < ${before}`).count,
    /** Deletes checks that occurred before `before`, a batch at a time. Returns how many were deleted. */
    async purgeChecksBefore(before, { batchSize = 5000, onBatch } = {}) {
      let total = 0;
      for (;;) {
        const deleted = await deleteOldest(before, batchSize, false);
        total += deleted;
        onBatch?.(deleted);
        if (deleted < batchSize) return total;
      }
    },
  };
}
