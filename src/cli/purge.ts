import { TEST_CHECK_LIFETIME_MS } from '../checks/test-mode.js';
import { openStore } from '../store/index.js';
import { parseDuration } from './duration.js';
import { progressBar } from './progress.js';
import type { Output } from './rules.js';

/** `purge`: deletes checks older than the retention period, with everything recorded about them, and webhook events and area alerts as old. Audited. */
export async function runPurge(options: { db: string; olderThan: string; dryRun: boolean }, output: Output): Promise<number> {
  const age = parseDuration(options.olderThan);
  const before = Date.now() - age;
  const store = await openStore(options.db);
  try {
    const count = await store.retention.countChecksBefore(before);
    const when = new Date(before).toISOString();
    if (options.dryRun) {
      output.out(`${count.toLocaleString('en-GB')} checks occurred before ${when} and would be deleted.`);
      return 0;
    }
    const bar = progressBar('Purging', count);
    let done = 0;
    const deleted = await store.retention.purgeChecksBefore(before, {
      onBatch: (batch: number) => {
        done += batch;
        bar.update(done);
      },
    });
    bar.stop();
    // Test-mode checks last a week whatever the retention period: they were never sales.
    const testChecks = await store.retention.purgeTestChecksBefore(Date.now() - TEST_CHECK_LIFETIME_MS);
    const webhookEvents = await store.retention.purgeWebhookEventsBefore(before);
    // Alerts are kept for as long as the checks whose decisions name them, and no longer.
    const areaAlerts = await store.retention.purgeAreaAlertsBefore(before);
    // Take the purged checks out of the report roll-ups now, rather than in the next report's request.
    const catchUp = progressBar('Updating reports', await store.reports.rollups.pending());
    let caughtUp = 0;
    for (let step = 1; step > 0; ) {
      step = await store.transaction((tx) => tx.reports.rollups.step(10_000));
      caughtUp += step;
      catchUp.update(caughtUp);
    }
    catchUp.stop();
    await store.audit.append({ at: Date.now(), actor: 'cli', action: 'data.purged', subject: null, detail: { before: when, olderThan: options.olderThan, checks: deleted, testChecks, webhookEvents, areaAlerts } });
    output.out(
      `Deleted ${deleted.toLocaleString('en-GB')} checks that occurred before ${when}, with their evaluations, matched rules, identity hashes and reviews, ${webhookEvents.toLocaleString('en-GB')} webhook events and ${areaAlerts.toLocaleString('en-GB')} area alerts from before then.`,
    );
    if (testChecks > 0) output.out(`Deleted ${testChecks.toLocaleString('en-GB')} test-mode checks more than 7 days old.`);
    return 0;
  } finally {
    await store.close();
  }
}
