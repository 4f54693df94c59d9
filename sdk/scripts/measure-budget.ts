/**
 * How long check() takes to give the colleague a decision, online and under each network fault,
 * against a real service on a loopback port:
 *   npx tsx sdk/scripts/measure-budget.ts [checks per case, default 40] [budget ms, default 300]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { buildServices } from '../../src/services.js';
import { createTillClient, type Fetch } from '../src/index.js';
import { sqliteOutbox } from '../src/node.js';

const runs = Number(process.argv[2] ?? 40);
const budgetMs = Number(process.argv[3] ?? 300);
const STORE = 'herts-markyate-003';
const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-measure-'));
const adminKey = `measure-${randomBytes(16).toString('hex')}`;
const services = await buildServices({ databasePath: join(dir, 'vouchsafe.db'), rulesDirectory: 'rules', adminKey, logger: createLogger('silent') });
const server = await new Promise<Server>((resolve) => {
  const listening = serve({ fetch: createApp(services).fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening as Server));
});
const address = server.address();
const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const made = await fetch(`${baseUrl}/v1/keys`, {
  method: 'POST',
  headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
  body: JSON.stringify({ role: 'till', name: 'measure', storeIds: [STORE] }),
});
const { key } = (await made.json()) as { key: string };

const faults: Record<string, Fetch> = {
  'online': (input, init) => fetch(input, init),
  'service down (refused)': async () => {
    throw new TypeError('fetch failed: connect ECONNREFUSED');
  },
  'slow (answers after 2 s)': async (input, init) => {
    const response = await fetch(input, { ...init, signal: null });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return response;
  },
  'hanging (ignores abort)': () => new Promise<Response>(() => {}),
  '500 every time': async () => new Response('{}', { status: 500 }),
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
console.log(`check() on a SQLite outbox, budget ${budgetMs} ms, ${runs} checks per case\n`);
console.log('case                        source    p50 ms  p95 ms  max ms');
for (const [name, faultyFetch] of Object.entries(faults)) {
  const outbox = join(dir, `${name.replace(/\W+/g, '-')}.db`);
  const till = createTillClient({ baseUrl, apiKey: key, storeId: STORE, tillId: 'T04', timeoutMs: budgetMs, fetch: faultyFetch, outbox: sqliteOutbox(outbox), refreshRulesMs: 0, closeTimeoutMs: 100 });
  const times: number[] = [];
  const sources = new Set<string>();
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const decision = await till.check({
      transactionId: `M-${name.length}-${i}-${Date.now()}`,
      currency: 'GBP',
      lines: [{ kind: 'gift_card', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
      customer: { ageBand: '80_plus' },
    });
    times.push(performance.now() - started);
    sources.add(decision.source);
  }
  await till.close();
  times.sort((a, b) => a - b);
  const cell = (ms: number) => ms.toFixed(1).padStart(7);
  console.log(`${name.padEnd(28)}${[...sources].join('/').padEnd(8)}${cell(percentile(times, 50))} ${cell(percentile(times, 95))} ${cell(times.at(-1)!)}`);
}
server.closeAllConnections();
server.close();
await services.store.close();
rmSync(dir, { recursive: true, force: true });
