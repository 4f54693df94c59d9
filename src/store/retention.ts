import type { Database } from 'better-sqlite3';

export type RetentionRepository = ReturnType<typeof retentionRepository>;

/** Deletes what is older than the retention period. Evaluations, matched rules, identity hashes, reviews and cases go with their check. */
export function retentionRepository(db: Database) {
  const count = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM checks WHERE occurred_at < ?');
  const batch = db.prepare<[number, number]>(
    'DELETE FROM checks WHERE id IN (SELECT id FROM checks WHERE occurred_at < ? ORDER BY occurred_at LIMIT ?)',
  );

  const testBatch = db.prepare<[number, number]>(
    'DELETE FROM checks WHERE id IN (SELECT id FROM checks WHERE livemode = 0 AND occurred_at < ? ORDER BY occurred_at LIMIT ?)',
  );
  const webhookEvents = db.prepare<[number]>('DELETE FROM webhook_events WHERE occurred_at < ?');
  const areaAlerts = db.prepare<[number]>('DELETE FROM area_alerts WHERE raised_at < ?');
  const relayedAlerts = db.prepare<[number]>('DELETE FROM relayed_area_alerts WHERE raised_at < ?');
  const cardSecrets = db.prepare<[number, number]>(
    'UPDATE check_cards SET sealed = NULL WHERE id IN (SELECT id FROM check_cards WHERE sealed IS NOT NULL AND recorded_at < ? ORDER BY recorded_at LIMIT ?)',
  );

  return {
    /** Deletes up to `limit` test-mode checks that occurred before `before`, oldest first, in the caller's transaction. Returns how many. */
    deleteTestChecksBefore: (before: number, limit: number) => testBatch.run(before, limit).changes,
    /** Deletes test-mode checks that occurred before `before`, in batches like purgeChecksBefore. Returns how many. */
    purgeTestChecksBefore(before: number, batchSize = 5000): number {
      let total = 0;
      for (;;) {
        const deleted = db.transaction(() => testBatch.run(before, batchSize).changes).immediate();
        total += deleted;
        if (deleted < batchSize) return total;
      }
    },
    countChecksBefore: (before: number) => count.get(before)!.n,
    /**
     * Empties the sealed serials and activation ids of up to `limit` cards recorded before `before`,
     * oldest first, in the caller's transaction; brand, value and last four stay. Returns how many.
     */
    purgeCardSecretsBefore: (before: number, limit: number) => cardSecrets.run(before, limit).changes,
    /** Deletes area alerts, this retailer's and those the exchange relayed, raised before `before`. Returns how many. */
    purgeAreaAlertsBefore: (before: number) => db.transaction(() => areaAlerts.run(before).changes + relayedAlerts.run(before).changes).immediate(),
    /** Deletes webhook events that happened before `before`, with their deliveries and attempts. Returns how many. */
    purgeWebhookEventsBefore: (before: number) => db.transaction(() => webhookEvents.run(before).changes).immediate(),
    /**
     * Deletes checks that occurred before `before`, a batch per transaction so the service keeps
     * answering tills between batches. Returns how many were deleted.
     */
    purgeChecksBefore(before: number, { batchSize = 5000, onBatch }: { batchSize?: number; onBatch?: (deleted: number) => void } = {}): number {
      let total = 0;
      for (;;) {
        const deleted = db.transaction(() => batch.run(before, batchSize).changes).immediate();
        total += deleted;
        onBatch?.(deleted);
        if (deleted < batchSize) return total;
      }
    },
  };
}
