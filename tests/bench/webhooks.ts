import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { findPostgresBinaries, startTestServer, type TestServer } from '../helpers/postgres-server.js';
import { checkBodies } from './lib/check-bodies.js';
import { storeName } from './lib/history.js';
import { load, type LoadResult } from './lib/load.js';
import { format, percentile } from './lib/measure.js';
import { makeKey, type ServerProcess, startServerProcess } from './lib/server-process.js';
import type { Section } from './section.js';

const HELD = 40;
/** The pool the finding was measured with: the worker's database work must leave the tills room in it. */
const POOL = '4';
const CONNECTIONS = 4;
/** Ordinary checks a second: well below what the node answers, so latency is the service's, not a queue's. */
const RATE = 100;

interface Run {
  /** Ordinary checks from other tills meanwhile, RATE a second. */
  load: LoadResult;
  /** The held checks themselves, one every 25 ms, from the till's side. */
  heldP50: number;
  heldP99: number;
  heldMax: number;
  heldNon2xx: number;
  /** From the first held check sent until the receiver had heard of every one; null without webhooks. */
  allDeliveredMs: number | null;
  /** Requests the receiver got beyond one per event, the ordinary load's holds included. */
  duplicates: number | null;
}

/** A receiver on loopback that answers 204 at once, and notes each request's webhook-id and check. */
async function receiver() {
  const ids: string[] = [];
  const checks = new Set<string>();
  const server: Server = createServer((request, response) => {
    ids.push(String(request.headers['webhook-id']));
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      checks.add((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { checkId: string } }).data.checkId);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, ids, checks, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const heldBody = (i: number) =>
  JSON.stringify({
    storeId: storeName(0),
    tillId: 'T01',
    transactionId: `bench-held-${randomBytes(6).toString('hex')}-${i}`,
    currency: 'GBP',
    lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }],
    customer: { ageBand: '80_plus' },
  });

/** One node on a fresh database; 40 held checks beside ordinary load, with a webhook on check.held or without. */
async function measure(server: TestServer, name: string, withWebhooks: boolean, seconds: number): Promise<Run> {
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  await admin`CREATE DATABASE ${admin(name)}`;
  await admin.end();
  const node: ServerProcess = await startServerProcess(server.url.replace(/\/postgres$/, `/${name}`), {
    env: { VOUCHSAFE_ID_SECRET: `bench-secret-${randomBytes(16).toString('hex')}`, VOUCHSAFE_DB_POOL: POOL, VOUCHSAFE_WEBHOOKS_ALLOW_HTTP: '1' },
  });
  const hooks = await receiver();
  try {
    const till = await makeKey(node, { role: 'till', storeIds: Array.from({ length: 10 }, (_, i) => storeName(i)) });
    if (withWebhooks) {
      const made = await fetch(`${node.url}/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${node.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: hooks.url, events: ['check.held'] }),
      });
      if (made.status !== 201) throw new Error(`could not make the webhook: ${await made.text()}`);
    }
    const ordinary = load({ url: node.url, path: '/v1/checks', headers: { authorization: `Bearer ${till}` }, body: checkBodies({ stores: 10, customers: 5_000 }), connections: CONNECTIONS, seconds, rate: RATE });
    const started = performance.now();
    let allDeliveredMs: number | null = null;
    const held = await Promise.all(
      Array.from({ length: HELD }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 25));
        const sent = performance.now();
        const response = await fetch(`${node.url}/v1/checks`, { method: 'POST', headers: { authorization: `Bearer ${till}`, 'content-type': 'application/json' }, body: heldBody(i) });
        const answer = (await response.json()) as { action?: string; checkId?: string };
        if (response.status === 201 && answer.action !== 'hold') throw new Error(`a held basket was decided ${answer.action}`);
        return { ms: performance.now() - sent, status: response.status, checkId: answer.checkId };
      }),
    );
    if (withWebhooks) {
      // The ordinary load holds some checks too: these forty are waited for by their check ids.
      const waited = held.flatMap((h) => (h.checkId ? [h.checkId] : []));
      while (!waited.every((checkId) => hooks.checks.has(checkId))) {
        if (performance.now() - started > 120_000) throw new Error(`the held checks' webhooks had not all arrived in 2 minutes`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      allDeliveredMs = performance.now() - started;
    }
    const result = await ordinary;
    const latencies = held.map((h) => h.ms).sort((x, y) => x - y);
    return {
      load: result,
      heldP50: Math.round(percentile(latencies, 50)),
      heldP99: Math.round(percentile(latencies, 99)),
      heldMax: Math.round(latencies.at(-1)!),
      heldNon2xx: held.filter((h) => h.status >= 300).length,
      allDeliveredMs: allDeliveredMs === null ? null : Math.round(allDeliveredMs),
      duplicates: withWebhooks ? hooks.ids.length - new Set(hooks.ids).size : null,
    };
  } finally {
    await node.stop();
    await hooks.close();
  }
}

/**
 * What sending webhooks costs the tills on PostgreSQL: one node with a pool of 4 connections, 40 held
 * checks (one every 25 ms) beside ordinary checks at RATE a second, with a receiver on loopback
 * subscribed to check.held and answering at once, beside the same run without any webhook.
 */
export const webhooksSection: Section = {
  name: 'webhooks',
  title: `10. Webhooks on PostgreSQL: ${HELD} held checks beside POST /v1/checks at ${RATE} req/s, pool of ${POOL}, their webhooks going out or none`,
  async run({ sized, log }) {
    const bin = findPostgresBinaries();
    if (!bin) {
      log('  no PostgreSQL server binaries (apt-get install postgresql): section skipped');
      return { results: { skipped: 'no PostgreSQL binaries' }, rows: [['skipped: no PostgreSQL server binaries', '', '', '']], targets: [] };
    }
    const seconds = sized({ full: 8, quick: 3, smoke: 1 });
    // On a shared machine one pair of runs is mostly noise: pairs alternate, and the medians are compared.
    const rounds = sized({ full: 3, quick: 1, smoke: 1 });
    const server = await startTestServer(bin, { durable: true });
    try {
      const without: Run[] = [];
      const withHooks: Run[] = [];
      for (let round = 0; round < rounds; round++) {
        without.push(await measure(server, `vouchsafe_bench_no_webhooks_${round}`, false, seconds));
        withHooks.push(await measure(server, `vouchsafe_bench_webhooks_${round}`, true, seconds));
        log(`  round ${round + 1}: ordinary p99 ${without.at(-1)!.load.p99} / ${withHooks.at(-1)!.load.p99} ms, held p99 ${without.at(-1)!.heldP99} / ${withHooks.at(-1)!.heldP99} ms (without / with webhooks)`);
      }
      const median = (runs: Run[], of: (run: Run) => number) => percentile(runs.map(of).sort((x, y) => x - y), 50);
      const row = (label: string, runs: Run[]) => [
        label,
        `ordinary checks: p99 ${runs.map((run) => run.load.p99).join(' / ')} ms (median ${median(runs, (run) => run.load.p99)}), ${format.int(median(runs, (run) => run.load.requestsPerSecond))} req/s, ${runs.reduce((sum, run) => sum + run.load.non2xx + run.load.errors, 0)} not 2xx`,
        `held: p99 ${runs.map((run) => run.heldP99).join(' / ')} ms (median ${median(runs, (run) => run.heldP99)}), max ${Math.max(...runs.map((run) => run.heldMax))} ms, ${runs.reduce((sum, run) => sum + run.heldNon2xx, 0)} not 2xx`,
        runs[0]!.allDeliveredMs === null
          ? ''
          : `all ${HELD} delivered ${runs.map((run) => run.allDeliveredMs).join(' / ')} ms after the first was sent; ${runs.reduce((sum, run) => sum + run.duplicates!, 0)} webhooks sent twice`,
      ];
      const refusals = withHooks.reduce((sum, run) => sum + run.heldNon2xx + run.load.non2xx + run.load.errors, 0);
      const worstHeld = Math.max(...withHooks.map((run) => run.heldMax));
      return {
        results: { seconds, rounds, held: HELD, connections: CONNECTIONS, rate: RATE, pool: Number(POOL), withoutWebhooks: without, withWebhooks: withHooks },
        rows: [row('no webhooks', without), row('webhook on check.held', withHooks)],
        targets: [
          // The finding this answers: held checks up to 13.8 s, and 503s, while webhooks went out.
          { name: 'no held check waits 1 s while its webhooks go out', met: worstHeld < 1000, value: `${worstHeld} ms at most` },
          { name: 'no till check refused while webhooks go out', met: refusals === 0, value: `${refusals}` },
          { name: 'every webhook sent exactly once', met: withHooks.every((run) => run.duplicates === 0), value: `${withHooks.reduce((sum, run) => sum + run.duplicates!, 0)} duplicates` },
        ],
      };
    } finally {
      await server.stop();
    }
  },
};
