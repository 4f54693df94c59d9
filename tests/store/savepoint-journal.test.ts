import { readdirSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aCheck, testApp } from '../helpers/app.js';

/** Files this process holds open that are already unlinked, as SQLite's temporary files are from the start. */
const deletedFilesOpen = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).endsWith(' (deleted)');
    } catch {
      return false;
    }
  }).length;

describe.runIf(process.platform === 'linux')('a group commit’s savepoints', () => {
  it('keep their journal in memory: no temporary file while a roll-up step shares a commit with the request after it', async () => {
    const app = await testApp();
    const stores = Array.from({ length: 120 }, (_, i) => `store-${String(i).padStart(3, '0')}`);
    const till = await app.makeKey('till', stores);
    const { store } = app.services;
    const checks = () =>
      Promise.all(
        Array.from({ length: 240 }, async (_, i) => expect((await app.call('POST', '/v1/checks', { key: till, body: aCheck({ storeId: stores[i % stores.length]! }) })).status).toBe(201)),
      );
    // The second step changes roll-up rows the first made, on pages all over the tables: its savepoint
    // journals well past the 64 KiB at which SQLite spills a journal to a file, and the request after
    // it, in the same commit, runs while that journal is still open.
    for (let round = 0; round < 2; round++) {
      await checks();
      const before = deletedFilesOpen();
      let during = -1;
      const [stepped] = await Promise.all([
        store.transaction((tx) => tx.reports.rollups.step(1000)),
        store.transaction(async () => {
          during = deletedFilesOpen();
        }),
      ]);
      expect(stepped).toBe(240);
      expect(during).toBe(before);
    }
  });
});
