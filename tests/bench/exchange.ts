import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createExchange } from '../../src/exchange/exchange.js';
import { createExchangeMember, type ExchangeMember } from '../../src/exchange/member.js';
import { blindCard, generateOprfKey, parseOprfKey } from '../../src/exchange/oprf.js';
import { generateMemberKeys, parsePrivateKey, parsePublicKey, signRequest } from '../../src/exchange/signing.js';
import { createApp } from '../../src/http/app.js';
import { createExchangeApp } from '../../src/http/exchange/app.js';
import { createLogger } from '../../src/log.js';
import { buildServices } from '../../src/services.js';
import { openExchangeStore } from '../../src/store/exchange.js';
import { format, percentile } from './lib/measure.js';
import type { Section } from './section.js';

/** Requests in flight against the exchange at once, as several members' nodes would keep. */
const CONCURRENCY = 8;

async function startExchange(dir: string, members: string[]) {
  const store = await openExchangeStore(join(dir, 'exchange.db'));
  const keys = new Map(members.map((id) => [id, generateMemberKeys()]));
  const exchange = createExchange({
    store,
    oprfKey: parseOprfKey(generateOprfKey()),
    members: new Map([...keys].map(([id, pair]) => [id, parsePublicKey(pair.publicKey)])),
    logger: createLogger('silent'),
    evaluationsPerMinute: 1_000_000,
  });
  const server = serve({ fetch: createExchangeApp(exchange, createLogger('silent')).fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    privateKey: (id: string) => parsePrivateKey(keys.get(id)!.privateKey),
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
}

/** A member service in this process (the till's request through Hono, the database on SQLite), with or without the exchange. */
async function memberService(dir: string, name: string, exchange: ExchangeMember | undefined) {
  const adminKey = `bench-admin-${randomBytes(16).toString('hex')}`;
  const services = await buildServices({ databasePath: join(dir, `${name}.db`), rulesDirectory: 'rules', adminKey, logger: createLogger('silent'), exchange });
  const app = createApp(services, { corsOrigins: [] });
  const made = await app.request('/v1/keys', {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'till', name: 'bench till', storeIds: ['bench-store'] }),
  });
  const till = ((await made.json()) as { key: string }).key;
  return { app, till, close: () => services.close() };
}

/** Milliseconds per check, one after another, each with a new card (p50, p99). */
async function checkLatency(service: Awaited<ReturnType<typeof memberService>>, checks: number) {
  const times: number[] = [];
  for (let i = 0; i < checks; i++) {
    const body = JSON.stringify({
      storeId: 'bench-store',
      tillId: 'T01',
      transactionId: `bench-${i}-${randomBytes(4).toString('hex')}`,
      currency: 'GBP',
      lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 5000, quantity: 1 }],
      customer: { ageBand: '40_49', paymentToken: `tok_bench_${randomBytes(8).toString('hex')}` },
    });
    const started = performance.now();
    const response = await service.app.request('/v1/checks', { method: 'POST', headers: { authorization: `Bearer ${service.till}`, 'content-type': 'application/json' }, body });
    if (response.status !== 201) throw new Error(`a check failed: ${response.status} ${await response.text()}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Signed requests a second the exchange answers, CONCURRENCY at a time, for `seconds`. */
async function throughput(exchange: Awaited<ReturnType<typeof startExchange>>, path: string, body: () => string, seconds: number) {
  const key = exchange.privateKey('north-retail');
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const text = body();
      const headers = signRequest(key, 'north-retail', { method: 'POST', pathAndQuery: path, body: text }, Date.now());
      const response = await fetch(`${exchange.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: text });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      done += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (done / (performance.now() - started)) * 1000;
}

export const exchangeSection: Section = {
  name: 'exchange',
  title: 'The exchange between retailers: added latency per check, OPRF evaluations and lookups a second',
  async run({ sized, log }) {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-bench-exchange-'));
    const checks = sized({ full: 2_000, quick: 300, smoke: 30 });
    const seconds = sized({ full: 10, quick: 3, smoke: 0.5 });
    const exchange = await startExchange(dir, ['north-retail', 'south-retail']);
    try {
      const off = await memberService(dir, 'off', undefined);
      const on = await memberService(dir, 'on', createExchangeMember({ url: exchange.url, memberId: 'south-retail', privateKey: exchange.privateKey('south-retail'), timeoutMs: 2_000 }));
      await checkLatency(off, Math.min(50, checks));
      await checkLatency(on, Math.min(50, checks));
      const without = await checkLatency(off, checks);
      const withExchange = await checkLatency(on, checks);
      await off.close();
      await on.close();
      log(`checks: ${format.ms(without.p50)} p50 without the exchange, ${format.ms(withExchange.p50)} with it`);

      // Blinded beforehand: the members' blinding is their own work, not the exchange's (the signing is still in this process).
      const blinded = Array.from({ length: 64 }, (_, i) => blindCard(`tok_bench_${i}`).blinded);
      const evaluations = await throughput(exchange, '/v1/cards/evaluate', () => JSON.stringify({ blinded: [blinded[Math.floor(Math.random() * blinded.length)]] }), seconds);
      const sightings = await throughput(
        exchange,
        '/v1/cards/sightings',
        () => JSON.stringify({ linkId: randomBytes(64).toString('base64url'), valueBand: '100_to_249' }),
        seconds,
      );
      const added = { p50: withExchange.p50 - without.p50, p99: withExchange.p99 - without.p99 };
      return {
        results: { checks, seconds, concurrency: CONCURRENCY, without, withExchange, added, evaluationsPerSecond: evaluations, sightingsPerSecond: sightings, checksPerSecond: 1 / (1 / evaluations + 1 / sightings) },
        rows: [
          ['check, exchange off', `${format.ms(without.p50)} p50`, `${format.ms(without.p99)} p99`, `${checks} checks in process, SQLite`],
          ['check, exchange on loopback', `${format.ms(withExchange.p50)} p50`, `${format.ms(withExchange.p99)} p99`, `added ${format.ms(added.p50)} p50, ${format.ms(added.p99)} p99`],
          ['OPRF evaluations', `${format.int(evaluations)}/s`, '', `signed HTTP, ${CONCURRENCY} at a time`],
          ['card lookups (sightings)', `${format.int(sightings)}/s`, '', `signed HTTP, ${CONCURRENCY} at a time, SQLite`],
          ['checks one exchange serves', `${format.int(1 / (1 / evaluations + 1 / sightings))}/s`, '', 'one evaluation and one lookup each'],
        ],
        targets: [{ name: 'exchange adds under 150 ms p99 to a check on loopback', met: added.p99 < 150, value: format.ms(added.p99) }],
      };
    } finally {
      await exchange.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
