import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRuleSet } from '../../../src/engine/index.js';
import { loadOrCreateIdSecret, secretPathFor } from '../../../src/customer-identifiers.js';
import { loadRuleDirectory } from '../../../src/rule-sets/load-directory.js';
import { openStore } from '../../../src/store/index.js';
import { type HistoryShape, writeHistory } from './history.js';

/** Where built histories are kept between runs (git-ignored): a million checks take minutes to write. */
const CACHE = process.env.BENCH_CACHE ?? 'tests/.artifacts/bench';
const DAY_MS = 86_400_000;

export interface HistoryDatabase {
  path: string;
  shape: HistoryShape;
}

/**
 * A database holding `checks` earlier checks (a chain's year at a million), built once and copied
 * into `workDir` for each use, so a section that adds checks never changes what the next one reads.
 */
export async function historyDatabase(checks: number, workDir: string, log: (line: string) => void): Promise<HistoryDatabase> {
  mkdirSync(CACHE, { recursive: true });
  const source = loadRuleDirectory('rules');
  const ruleSet = compileRuleSet(source);
  const cached = join(CACHE, `history-${checks}.db`);
  const stamp = `${cached}.json`;
  const endAt = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const wanted = { checks, ruleSet: ruleSet.contentHash, generator: 2 };
  const current = existsSync(stamp) && existsSync(cached) ? (JSON.parse(readFileSync(stamp, 'utf8')) as typeof wanted & { endAt: number }) : undefined;
  let shape: HistoryShape;
  if (current && current.checks === wanted.checks && current.ruleSet === wanted.ruleSet && current.generator === wanted.generator) {
    shape = { checks, stores: 200, customers: Math.max(1000, checks / 5), days: 365, endAt: current.endAt, idSecret: loadOrCreateIdSecret(cached) };
    log(`  reusing ${checks.toLocaleString('en-GB')} checks from ${cached}`);
    // Built by an earlier schema, perhaps: migrate once here, so readers need not.
    await (await openStore(cached)).close();
  } else {
    for (const suffix of ['', '-wal', '-shm', '.id-secret', '.lock', '.json']) rmSync(`${cached}${suffix}`, { force: true });
    const store = await openStore(cached);
    shape = { checks, stores: 200, customers: Math.max(1000, checks / 5), days: 365, endAt, idSecret: loadOrCreateIdSecret(cached) };
    const started = performance.now();
    let last = 0;
    await writeHistory(store, ruleSet, shape, (done) => {
      if (done - last >= 100_000 || done === checks) {
        log(`  ${done.toLocaleString('en-GB')} of ${checks.toLocaleString('en-GB')} checks written`);
        last = done;
      }
    });
    await store.ruleSets.insert({ version: ruleSet.version, contentHash: ruleSet.contentHash, source, createdAt: endAt, createdBy: 'bench', note: null, status: 'approved', reviewedBy: 'bench', reviewedAt: endAt });
    await store.ruleSets.activate({ version: ruleSet.version, activatedAt: endAt, activatedBy: 'bench' });
    await store.close();
    log(`  built ${checks.toLocaleString('en-GB')} checks in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    writeFileSync(stamp, JSON.stringify({ ...wanted, endAt }));
  }
  const path = join(workDir, `history-${checks}.db`);
  copyFileSync(cached, path);
  copyFileSync(secretPathFor(cached), secretPathFor(path));
  return { path, shape };
}
