/**
 * How reports hold up as history grows. Builds a database of CHECKS checks (default one million: a
 * year of a 200-store chain's gift-card sales) in a temp directory, through the store's own write path
 * (so the roll-up triggers run as they do at the till), then times the summary and the CSV export
 * through the HTTP app, and what the triggers add to each write.
 *
 *   npm run bench:reports                            # one million checks, a few minutes on 2 cores
 *   CHECKS=100000 npm run bench:reports              # a quicker look
 *   BENCH_DB=/tmp/reports.db npm run bench:reports   # keep the database, and reuse it next time
 *
 * Self-contained: nothing under tests/bench runs in `npm test`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createApp } from '../../src/app.js';
import type { Action, AgeBand, Lane, Outcome } from '../../src/contract/enums.js';
import { NO_HISTORY } from '../../src/engine/index.js';
import { createLogger } from '../../src/log.js';
import { buildServices } from '../../src/services.js';
import type { CheckWrite, Store } from '../../src/store/index.js';

const CHECKS = Number(process.env.CHECKS ?? 1_000_000);
const STORES = 200;
const DAYS = 365;
const DAY_MS = 86_400_000;
const START = Date.UTC(2025, 0, 1);
const BATCH = 10_000;

/** A small deterministic generator (mulberry32), so every run builds the same history. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AGE_BANDS: AgeBand[] = ['under_20', '20_29', '30_39', '40_49', '50_59', '60_69', '70_79', '80_plus', 'unknown', 'unknown', 'unknown'];
const LANES: Lane[] = ['staffed', 'staffed', 'staffed', 'self_checkout', 'self_checkout', 'customer_service'];
const RULES = ['gift-cards-over-250', 'gift-cards-over-500', 'older-customer-70s', 'older-customer-80-plus', 'scam-favoured-brand', 'caller-on-the-line', 'being-instructed', 'repeat-purchases-today'];

/** One synthetic check: mostly small presents, 5% warned, a few stops, outcomes for 80%. */
function synthetic(next: () => number, n: number, ruleSetVersion: string): { write: CheckWrite; outcome: Outcome | null } {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const occurredAt = START + Math.floor((n / CHECKS) * DAYS * DAY_MS) + Math.floor(next() * 60_000);
  const warned = next() < 0.05;
  const unitAmount = warned ? pick([10000, 25000, 50000]) : pick([1000, 1500, 2000, 2500, 5000]);
  const quantity = warned ? 1 + Math.floor(next() * 10) : 1 + Math.floor(next() * 2);
  const action: Action = warned ? pick(['prompt', 'prompt', 'hold', 'refuse'] as const) : 'allow';
  const roll = next();
  const outcome: Outcome | null =
    roll < 0.2 ? null : warned ? pick(['proceeded_after_warning', 'proceeded_after_warning', 'abandoned', 'scam_confirmed', 'refused'] as const) : 'proceeded';
  const storeId = `store-${String(n % STORES).padStart(3, '0')}`;
  const lines = [{ kind: 'gift_card' as const, brand: pick(['amazon', 'apple', 'costa', 'steam']), unitAmount, quantity }];
  const request = {
    storeId,
    tillId: `T0${1 + (n % 6)}`,
    lane: pick(LANES),
    transactionId: `tx-${n}`,
    currency: 'GBP',
    lines,
    tender: 'cash' as const,
    customer: { ageBand: pick(AGE_BANDS), ageSource: 'staff_estimate' as const },
    signals: { phoneInUse: false, beingInstructed: false, distressed: false, askedAboutCodes: false, unfamiliarWithCards: false, mentionedPayment: false },
  };
  const reasons = warned ? RULES.filter(() => next() < 0.3).map((ruleId) => ({ ruleId, message: ruleId })) : [];
  const storedValue = unitAmount * quantity;
  const write: CheckWrite = {
    id: `chk_${n.toString(32).padStart(26, '0')}`,
    storeId,
    tillId: request.tillId,
    transactionId: request.transactionId,
    occurredAt,
    receivedAt: occurredAt,
    keyId: 'key_bench',
    requestFingerprint: `fp-${n}`,
    identified: false,
    identities: undefined,
    totals: { basket: storedValue, storedValue, storedValueUnits: quantity },
    evaluation: {
      revision: 1,
      trigger: 'check',
      evaluatedAt: occurredAt,
      request,
      answers: {},
      history: NO_HISTORY,
      action,
      score: warned ? 40 : 0,
      reasons,
      shadowReasons: next() < 0.02 ? [{ ruleId: 'bulk-top-ups', message: 'shadow' }] : [],
      promptId: warned ? 'paying-someone' : null,
      prompt: null,
      ruleSetVersion,
    },
  };
  return { write, outcome };
}

/** Writes `count` checks through the store, with their outcomes; returns microseconds per check. */
function build(store: Store, count: number, ruleSetVersion: string, progress: boolean): number {
  const next = random(42);
  const started = performance.now();
  for (let from = 0; from < count; from += BATCH) {
    store.transaction(() => {
      for (let n = from; n < Math.min(from + BATCH, count); n++) {
        const { write, outcome } = synthetic(next, n, ruleSetVersion);
        store.checks.save(write);
        if (outcome) {
          store.checks.recordOutcome(write.id, { outcome, recordedAt: write.occurredAt + 60_000, staffRef: null, policeReference: null, note: null, keyId: 'key_bench' });
        }
      }
    });
    if (progress && (from / BATCH) % 10 === 9) process.stderr.write(`  ${(from + BATCH).toLocaleString('en-GB')} checks written\n`);
  }
  return ((performance.now() - started) * 1000) / count;
}

async function time(run: () => Promise<void>, times: number): Promise<{ median: number; min: number }> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)]!, min: samples[0]! };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-bench-'));
  const databasePath = process.env.BENCH_DB ?? join(dir, 'bench.db');
  const rows: Array<[string, string]> = [];
  try {
    const adminKey = `bench-admin-${'x'.repeat(32)}`;
    const services = buildServices({ databasePath, rulesDirectory: 'rules', adminKey, logger: createLogger('silent') });
    const { store } = services;
    const version = services.rules.current.version;
    const existing = store.reports.storeIds().length > 0;
    if (!existing) {
      process.stderr.write(`Writing ${CHECKS.toLocaleString('en-GB')} checks into ${databasePath} …\n`);
      const perCheck = build(store, CHECKS, version, true);
      rows.push([`write ${CHECKS.toLocaleString('en-GB')} checks + outcomes (with roll-up triggers)`, `${perCheck.toFixed(1)} µs per check`]);
    } else {
      process.stderr.write(`Reusing the checks already in ${databasePath}\n`);
    }

    // The same writes without the triggers, on a smaller database: what the roll-ups cost each write.
    const sample = Math.min(CHECKS, 100_000);
    const plain = buildServices({ databasePath: join(dir, 'plain.db'), rulesDirectory: 'rules', logger: createLogger('silent') });
    plain.store.close();
    const raw = new Database(join(dir, 'plain.db'));
    for (const { name } of raw.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report_%'").all()) {
      raw.exec(`DROP TRIGGER ${name}`);
    }
    raw.close();
    const untriggered = buildServices({ databasePath: join(dir, 'plain.db'), rulesDirectory: 'rules', logger: createLogger('silent') });
    const withTriggers = buildServices({ databasePath: join(dir, 'triggered.db'), rulesDirectory: 'rules', logger: createLogger('silent') });
    const plainPerCheck = build(untriggered.store, sample, version, false);
    const triggeredPerCheck = build(withTriggers.store, sample, version, false);
    untriggered.store.close();
    withTriggers.store.close();
    rows.push([`  same, ${sample.toLocaleString('en-GB')} checks, without / with triggers`, `${plainPerCheck.toFixed(1)} / ${triggeredPerCheck.toFixed(1)} µs per check`]);

    const app = createApp(services);
    const get = async (path: string) => {
      const response = await app.request(path, { headers: { authorization: `Bearer ${adminKey}` } });
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response;
    };
    const year = 'from=2025-01-01&to=2025-12-31';
    const storeList = (count: number) => Array.from({ length: count }, (_, i) => `storeId=store-${String(i).padStart(3, '0')}`).join('&');
    const summaries: Array<[string, string]> = [
      ['summary, whole year, every store, every breakdown', `/v1/reports/summary?${year}`],
      ['summary, whole year, totals and by day', `/v1/reports/summary?${year}&groupBy=day`],
      ['summary, last 30 days, one store', '/v1/reports/summary?from=2025-12-02&to=2025-12-31&storeId=store-007'],
      ['summary, whole year, 20 stores', `/v1/reports/summary?${year}&${storeList(20)}`],
      ['summary, whole year, 100 stores', `/v1/reports/summary?${year}&${storeList(100)}`],
    ];
    const checked = await (await get(`/v1/reports/summary?${year}&groupBy=day`)).json();
    if (checked.totals.checks !== CHECKS) throw new Error(`the summary counts ${checked.totals.checks} checks, not ${CHECKS}`);
    for (const [label, path] of summaries) {
      const { median, min } = await time(async () => void (await (await get(path)).text()), 7);
      rows.push([label, `${median.toFixed(0)} ms median, ${min.toFixed(0)} ms best of 7`]);
    }

    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    let bytes = 0;
    let lines = 0;
    const exported = await time(async () => {
      const response = await get(`/v1/reports/checks.csv?${year}`);
      const reader = response.body!.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        bytes += chunk.value.byteLength;
        for (const byte of chunk.value) if (byte === 10) lines += 1;
      }
    }, 1);
    clearInterval(sampler);
    if (lines !== CHECKS + 1) throw new Error(`the export has ${lines} lines, not ${CHECKS + 1}`);
    rows.push([
      `checks.csv, whole year (${(bytes / 1e6).toFixed(0)} MB)`,
      `${(exported.median / 1000).toFixed(1)} s, ${Math.round(CHECKS / (exported.median / 1000)).toLocaleString('en-GB')} rows/s, RSS +${((peak - rssBefore) / 1e6).toFixed(0)} MB`,
    ]);
    rows.push(['database size', `${(statSync(databasePath).size / 1e6).toFixed(0)} MB`]);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\nReports over ${CHECKS.toLocaleString('en-GB')} checks (${STORES} stores, ${DAYS} days) — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}\n`);
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
}

await main();
