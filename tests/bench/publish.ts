import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleSetSource } from '../../src/contract/rule-file.js';
import { compileRuleSet, compileRuleSetInSteps, ConditionCache, readRuleSet } from '../../src/engine/index.js';
import { inSlices } from '../../src/rule-sets/compiler.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';
import { checkBodies } from './lib/check-bodies.js';
import { storeName } from './lib/history.js';
import { load, type LoadResult } from './lib/load.js';
import { format } from './lib/measure.js';
import { makeKey, type ServerProcess, startServerProcess } from './lib/server-process.js';
import type { Section } from './section.js';

const STORES = 40;
/** The most a rule-set change may hold up the tills' event loop, beyond what the same load does anyway. */
const MOST_BLOCKED_MS = 5;

interface LoopDelay {
  maxMs: number;
  p99Ms: number;
}

const loopDelay = async (server: ServerProcess): Promise<LoopDelay> => (await fetch(`${server.url}/bench/loop-delay`)).json() as Promise<LoopDelay>;
const resetLoopDelay = (server: ServerProcess) => fetch(`${server.url}/bench/loop-delay/reset`, { method: 'POST' });

/** The default rules with one more, so that each change is a new version to compile. */
function candidate(n: number) {
  const source = loadRuleDirectory('rules');
  const rule = `rules:\n  - id: bench-steam-over-${n}\n    when: '"steam" in giftCards.brands && giftCards.total >= ${n * 100}'\n    score: 1\n    reason: Steam cards\n`;
  return { ...source, files: [...source.files, { path: 'bench-candidate.yaml', content: rule }] };
}

/** The longest the event loop went without a turn while `work` ran (a setImmediate chain's widest gap), in ms. */
async function longestHold<T>(work: () => T | Promise<T>): Promise<number> {
  let longest = 0;
  let last = performance.now();
  let running = true;
  const turn = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  await work();
  running = false;
  turn();
  return longest;
}

/**
 * The event loop's part of each change, measured here in the bench's own idle process (so tills'
 * load and other processes do not hide it): building the set from what the worker read in one go,
 * as the service did before, beside building it in slices with the conditions it has seen cached.
 * Each is taken for a fresh candidate, so V8 has compiled nothing for it yet.
 */
async function eventLoopPart(rounds: number) {
  const worst = { whole: 0, sliced: 0, rollback: 0 };
  const cache = new ConditionCache();
  const base = loadRuleDirectory('rules');
  const baseRead = readRuleSet(base);
  compileRuleSet(base, baseRead, cache);
  // Warm, as a running service is: the engine's code compiled by V8 and the start-up garbage collected.
  for (let n = 0; n < 3; n++) {
    const warm = candidate(900 + n);
    const read = readRuleSet(warm);
    compileRuleSet(warm, read);
    await inSlices(compileRuleSetInSteps(warm, read, cache));
  }
  for (let n = 0; n < rounds; n++) {
    const next: RuleSetSource = candidate(1_000 + n);
    const read = structuredClone(readRuleSet(next));
    worst.whole = Math.max(worst.whole, await longestHold(() => compileRuleSet(next, read)));
    worst.sliced = Math.max(worst.sliced, await longestHold(() => inSlices(compileRuleSetInSteps(next, read, cache))));
    worst.rollback = Math.max(worst.rollback, await longestHold(() => inSlices(compileRuleSetInSteps(base, baseRead, cache))));
  }
  return worst;
}

/**
 * A publish, a rollback and another publish while tills send checks at 20 connections: the longest
 * the event loop waited (perf_hooks.monitorEventLoopDelay in the server), beside the same load with
 * no rule-set change. Compiling runs in a worker; the loop pays only for building the conditions.
 */
export const publishSection: Section = {
  name: 'publish',
  title: '11. Rule-set changes under load: the event loop’s longest wait while a publish, a rollback and a publish happen, beside the same load alone',
  async run({ sized }) {
    // First, while this process has no load generator's garbage to collect in the middle of it.
    const part = await eventLoopPart(sized({ full: 10, quick: 5, smoke: 2 }));
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-bench-publish-'));
    const server = await startServerProcess(join(dir, 'bench.db'));
    try {
      const till = await makeKey(server, { role: 'till', storeIds: Array.from({ length: STORES }, (_, i) => storeName(i)) });
      const bodies = checkBodies({ stores: STORES, customers: 50_000, seed: 23 });
      const seconds = sized({ full: 10, quick: 5, smoke: 3 });
      const tills = () => load({ url: server.url, path: '/v1/checks', headers: { authorization: `Bearer ${till}` }, body: bodies, connections: 20, seconds });
      const admin = (method: string, path: string, body: unknown) =>
        fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (response) => {
          if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
          return response.json() as Promise<{ version: string }>;
        });

      await resetLoopDelay(server);
      const alone = await tills();
      const quiet = await loopDelay(server);

      await resetLoopDelay(server);
      const changes: string[] = [];
      const [busy] = await Promise.all([
        tills(),
        (async () => {
          // Into the load, so the changes land while checks are being answered.
          await new Promise((resolve) => setTimeout(resolve, 500));
          changes.push((await admin('PUT', '/v1/rules', candidate(1))).version);
          changes.push((await admin('POST', '/v1/rules/rollback', {})).version);
          changes.push((await admin('PUT', '/v1/rules', candidate(2))).version);
        })(),
      ]);
      const during = await loopDelay(server);
      for (const run of [alone, busy] as LoadResult[]) {
        if (run.errors || run.non2xx) throw new Error(`${run.errors} errors and ${run.non2xx} non-2xx answers to the tills`);
      }
      return {
        results: { alone, busy, quiet, during, changes, seconds, eventLoopPart: part },
        rows: [
          ['checks at 20 conn., no rule-set change', `${format.int(alone.requestsPerSecond)} req/s`, `event loop: longest wait ${quiet.maxMs.toFixed(1)} ms, p99 ${quiet.p99Ms.toFixed(1)} ms`, 'baseline'],
          ['checks at 20 conn., publish + rollback + publish', `${format.int(busy.requestsPerSecond)} req/s`, `event loop: longest wait ${during.maxMs.toFixed(1)} ms, p99 ${during.p99Ms.toFixed(1)} ms`, `${changes.length} rule-set changes (${changes.join(', ')})`],
          [
            'building a new set from what the worker read, idle process: the longest hold',
            `in slices ${part.sliced.toFixed(1)} ms`,
            `a rollback to a set seen ${part.rollback.toFixed(1)} ms`,
            `in one go, as before: ${part.whole.toFixed(1)} ms`,
          ],
        ],
        targets: [
          {
            name: `a publish or rollback blocks the event loop ≤ ${MOST_BLOCKED_MS} ms beyond the same load’s own longest wait`,
            met: during.maxMs <= quiet.maxMs + MOST_BLOCKED_MS,
            value: `${during.maxMs.toFixed(1)} ms vs ${quiet.maxMs.toFixed(1)} ms`,
          },
          {
            name: `building a changed rule set holds the event loop ≤ ${MOST_BLOCKED_MS} ms at a time (idle process)`,
            met: Math.max(part.sliced, part.rollback) <= MOST_BLOCKED_MS,
            value: `${Math.max(part.sliced, part.rollback).toFixed(1)} ms vs ${part.whole.toFixed(1)} ms in one go`,
          },
        ],
      };
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
