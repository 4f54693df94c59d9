import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { findPostgresBinaries, startTestServer } from '../helpers/postgres-server.js';
import { editedRules, RAZER_RULE } from '../helpers/rules.js';
import { checkBodies } from './lib/check-bodies.js';
import { separation } from './lib/cpus.js';
import { databaseWaits } from './lib/database-waits.js';
import { storeName } from './lib/history.js';
import { load, type LoadResult } from './lib/load.js';
import { format } from './lib/measure.js';
import { makeKey, type ServerProcess, startServerProcess } from './lib/server-process.js';
import { quantilesBetween, routeHistogram } from './lib/server-latency.js';
import type { Section } from './section.js';

const STORES = 40;
const CUSTOMERS = 50_000;
const CONNECTIONS = 20;
/**
 * Checks a second offered in the paced runs: well short of what two nodes answer flat out here, so a
 * check's time in the service is its own, not a queue's; still ten times a large chain's Christmas
 * peak (about 3,000 stores × 10 gift-card sales an hour, docs/operations.md).
 */
const PACED = 100;

/** What PostgreSQL itself counted for the bench's database: statements run and milliseconds running them. */
type ServerView = () => Promise<{ statements: number; ms: number }>;

/** Per check answered in a run on PostgreSQL: as the nodes saw it (/metrics), and as the server did (pg_stat_statements), if it could. */
interface DatabasePerCheck {
  roundTrips: number;
  waitMs: number;
  server?: { statements: number; ms: number };
}

interface Run {
  rate: number;
  p99: number;
  inServiceP50: number;
  inServiceP99: number;
  requests: number;
  database?: DatabasePerCheck;
}

/**
 * The same load on POST /v1/checks (as fast as answers come, or at `rate` a second), its connections
 * and rate split evenly across the nodes. On PostgreSQL, the round trips and database time per check
 * too: everything the nodes did in the run (a background job's round trips included) over the checks
 * they answered, and what the server counted if `postgres.server` can read it.
 */
async function drive(
  nodes: ServerProcess[],
  till: string,
  seconds: number,
  { connections = CONNECTIONS, rate, postgres: onPostgres }: { connections?: number; rate?: number; postgres?: { server: ServerView | undefined } } = {},
): Promise<Run> {
  const bodies = checkBodies({ stores: STORES, customers: CUSTOMERS });
  const waitsOf = () => Promise.all(nodes.map((node) => databaseWaits(node.url, node.adminKey)));
  const before = await Promise.all(nodes.map((node) => routeHistogram(node.url, '/v1/checks', node.adminKey)));
  const server = onPostgres?.server;
  const serverView = async () => (server ? server().catch(() => undefined) : undefined);
  const [waitsBefore, serverBefore] = onPostgres ? await Promise.all([waitsOf(), serverView()]) : [];
  const results: LoadResult[] = await Promise.all(
    nodes.map((node) =>
      load({ url: node.url, path: '/v1/checks', headers: { authorization: `Bearer ${till}` }, body: bodies, connections: connections / nodes.length, seconds, ...(rate ? { rate: rate / nodes.length } : {}) }),
    ),
  );
  for (const result of results) if (result.errors || result.non2xx) throw new Error(`${result.errors} errors and ${result.non2xx} non-2xx answers`);
  const after = await Promise.all(nodes.map((node) => routeHistogram(node.url, '/v1/checks', node.adminKey)));
  const inService = nodes.map((_, i) => quantilesBetween(before[i]!, after[i]!, [0.5, 0.99]));
  let database: DatabasePerCheck | undefined;
  if (waitsBefore) {
    const [waitsAfter, serverAfter] = await Promise.all([waitsOf(), serverView()]);
    const checks = nodes.reduce((sum, _, i) => sum + after[i]!.get(Number.POSITIVE_INFINITY)! - (before[i]!.get(Number.POSITIVE_INFINITY) ?? 0), 0);
    const total = (readings: { roundTrips: number; seconds: number }[]) => readings.reduce((sum, r) => ({ roundTrips: sum.roundTrips + r.roundTrips, seconds: sum.seconds + r.seconds }));
    const [from, to] = [total(waitsBefore), total(waitsAfter)];
    database = {
      roundTrips: (to.roundTrips - from.roundTrips) / checks,
      waitMs: ((to.seconds - from.seconds) * 1000) / checks,
      ...(serverBefore && serverAfter ? { server: { statements: (serverAfter.statements - serverBefore.statements) / checks, ms: (serverAfter.ms - serverBefore.ms) / checks } } : {}),
    };
  }
  return {
    rate: results.reduce((sum, r) => sum + r.requestsPerSecond, 0),
    p99: Math.max(...results.map((r) => r.p99)),
    inServiceP50: Math.max(...inService.map(([p50]) => p50!)),
    inServiceP99: Math.max(...inService.map(([, p99]) => p99!)),
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    ...(database ? { database } : {}),
  };
}

/** A quantile read from the service's histogram: the upper edge of its bucket, or past the last one. */
const upTo = (ms: number) => (Number.isFinite(ms) ? `≤ ${ms} ms` : 'over 1 s');

/** A run's database figures as a row: the nodes' view, then the server's. */
function databaseRow(label: string, run: Run): string[] {
  const d = run.database!;
  return [
    label,
    `${d.roundTrips.toFixed(2)} round trips`,
    `${d.waitMs.toFixed(2)} ms waiting`,
    d.server ? `PostgreSQL ran ${d.server.statements.toFixed(1)} statements in ${d.server.ms.toFixed(2)} ms` : 'PostgreSQL’s own view: pg_stat_statements not available',
  ];
}

/** Milliseconds from the moment `act` has been answered on one node until `seen` holds on the other, polled every 5 ms. */
async function propagation(act: () => Promise<void>, seen: () => Promise<boolean>): Promise<number> {
  await act();
  const started = performance.now();
  for (;;) {
    if (await seen()) return performance.now() - started;
    if (performance.now() - started > 30_000) throw new Error('the other node never heard of it');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const call = (node: ServerProcess, method: string, path: string, key: string, body?: unknown) =>
  fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/**
 * Two service nodes sharing a PostgreSQL database (durable commits, on this machine), beside one node
 * on SQLite, under the same load in the same run, and again with PostgreSQL pinned to a core of its
 * own (taskset); then how long a rule-set publish and a key revocation on one node take to reach the
 * other.
 */
export const nodesSection: Section = {
  name: 'nodes',
  title: `8. Several nodes: POST /v1/checks at ${CONNECTIONS} connections, two nodes on PostgreSQL (flat out and at ${PACED} checks/s, sharing the cores, then with the database on a core of its own) beside one node on SQLite, then one check at a time on each; round trips and database time per check; agreement between nodes`,
  async run({ sized, log }) {
    const bin = findPostgresBinaries();
    if (!bin) {
      log('  no PostgreSQL server binaries (apt-get install postgresql): section skipped');
      return { results: { skipped: 'no PostgreSQL binaries' }, rows: [['skipped: no PostgreSQL server binaries', '', '', '']], targets: [] };
    }
    const seconds = sized({ full: 10, quick: 3, smoke: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-bench-nodes-'));
    // PostgreSQL's own count of the statements it ran and the time they took, where the contrib
    // module is installed (Debian's postgresql package has it beside the server).
    const statementStats = existsSync(join(bin, '..', 'lib', 'pg_stat_statements.so'));
    const server = await startTestServer(bin, { durable: true, settings: statementStats ? ['shared_preload_libraries=pg_stat_statements'] : [] });
    const admin = postgres(server.url, { max: 1, onnotice: () => {} });
    const started: ServerProcess[] = [];
    try {
      const single = await startServerProcess(join(dir, 'bench.db'));
      started.push(single);
      const storeIds = Array.from({ length: STORES }, (_, i) => storeName(i));
      const sqliteTill = await makeKey(single, { role: 'till', storeIds });
      const sqlite = await drive([single], sqliteTill, seconds);
      // One check at a time: what a check costs in the service when nothing queues beside it.
      const sqliteAlone = await drive([single], sqliteTill, seconds, { connections: 1 });
      await single.stop();
      log(`  one node on SQLite: ${format.int(sqlite.rate)} req/s`);

      await admin`CREATE DATABASE vouchsafe_bench`;
      if (statementStats) await admin`CREATE EXTENSION pg_stat_statements`;
      // Not in its figures: a commit's flush to disk (which follows the COMMIT statement's own time),
      // nor most of the BEGINs and COMMITs postgres.js sends (2 of 100 counted in a trial on PostgreSQL 15).
      const serverView: ServerView | undefined = statementStats
        ? async () => {
            const [row] = await admin<{ statements: number; ms: number }[]>`
              SELECT coalesce(sum(calls), 0)::float8 AS statements, coalesce(sum(total_exec_time), 0)::float8 AS ms
              FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'vouchsafe_bench')`;
            return row!;
          }
        : undefined;
      const onPostgres = { server: serverView };
      const url = server.url.replace(/\/postgres$/, '/vouchsafe_bench');
      const shared = { adminKey: `bench-admin-${randomBytes(16).toString('hex')}`, env: { VOUCHSAFE_ID_SECRET: `bench-secret-${randomBytes(16).toString('hex')}`, VOUCHSAFE_DB_POOL: '10' } };
      const a = await startServerProcess(url, shared);
      started.push(a);
      const b = await startServerProcess(url, shared);
      started.push(b);
      const till = await makeKey(a, { role: 'till', storeIds });
      const pg = await drive([a, b], till, seconds, { postgres: onPostgres });
      log(`  two nodes on PostgreSQL: ${format.int(pg.rate)} req/s`);
      const pgPaced = await drive([a, b], till, seconds, { postgres: onPostgres, rate: PACED });
      // The same again with the database on a core of its own: on 2 cores the nearest this machine
      // comes to a database on a machine of its own, which is what the 5 ms target is about.
      const apart = separation({ database: server.pid(), rest: [a.pid, b.pid] });
      let pgApart: { flat: Run; paced: Run } | undefined;
      if (apart.ok) {
        await apart.apart(async () => {
          const flat = await drive([a, b], till, seconds, { postgres: onPostgres });
          pgApart = { flat, paced: await drive([a, b], till, seconds, { postgres: onPostgres, rate: PACED }) };
        });
        log(`  two nodes on PostgreSQL, ${apart.description}: ${format.int(pgApart!.flat.rate)} req/s`);
      } else {
        log(`  PostgreSQL not given a core of its own (${apart.reason}): that run is left out`);
      }
      const pgAlone = await drive([a], till, seconds, { connections: 1, postgres: onPostgres });

      const version = async (node: ServerProcess) => ((await (await fetch(`${node.url}/healthz`)).json()) as { ruleSetVersion: string }).ruleSetVersion;
      let published = '';
      const publishMs = await propagation(
        async () => {
          const response = await call(a, 'PUT', '/v1/rules', a.adminKey, editedRules({ file: 'razer.yaml', append: RAZER_RULE }));
          published = ((await response.json()) as { version: string }).version;
        },
        async () => (await version(b)) === published,
      );
      const doomed = (await (await call(a, 'POST', '/v1/keys', a.adminKey, { name: 'bench', role: 'till', storeIds })).json()) as { id: string; key: string };
      // Bodies of their own: the load's sequence would make these retries of checks already made.
      const body = checkBodies({ stores: STORES, customers: CUSTOMERS, seed: 4242 });
      if ((await call(b, 'POST', '/v1/checks', doomed.key, JSON.parse(body()))).status !== 201) throw new Error('the new key does not work on node B');
      const revokeMs = await propagation(
        async () => void (await call(a, 'DELETE', `/v1/keys/${doomed.id}`, a.adminKey)),
        async () => (await call(b, 'POST', '/v1/checks', doomed.key, JSON.parse(body()))).status === 401,
      );

      return {
        results: {
          seconds,
          connections: CONNECTIONS,
          sqlite,
          postgresTwoNodes: pg,
          postgresTwoNodesPaced: { offered: PACED, ...pgPaced },
          postgresTwoNodesApart: pgApart ? { ...pgApart, paced: { offered: PACED, ...pgApart.paced } } : { skipped: apart.ok ? 'did not run' : apart.reason },
          sqliteOneAtATime: sqliteAlone,
          postgresOneAtATime: pgAlone,
          publishReachesOtherNodeMs: publishMs,
          revocationReachesOtherNodeMs: revokeMs,
        },
        rows: [
          ['one node, SQLite (embedded)', `${format.int(sqlite.rate)} req/s`, `p99 ${sqlite.p99} ms`, `in the service p99 ${upTo(sqlite.inServiceP99)}`],
          ['two nodes, one PostgreSQL (durable commits), all sharing every core', `${format.int(pg.rate)} req/s`, `p99 ${pg.p99} ms`, `in the service p99 ${upTo(pg.inServiceP99)} (the slower node)`],
          pgApart && apart.ok
            ? [`the same, ${apart.description}`, `${format.int(pgApart.flat.rate)} req/s`, `p99 ${pgApart.flat.p99} ms`, `in the service p99 ${upTo(pgApart.flat.inServiceP99)} (the slower node)`]
            : ['the same, PostgreSQL on a core of its own', 'not run', apart.ok ? '' : apart.reason, ''],
          [`two nodes, one PostgreSQL, ${PACED} checks/s offered, sharing every core`, `${format.int(pgPaced.rate)} req/s`, `p99 ${pgPaced.p99} ms`, `in the service p50 ${upTo(pgPaced.inServiceP50)}, p99 ${upTo(pgPaced.inServiceP99)}`],
          ...(pgApart && apart.ok
            ? [[`the same, ${apart.description}`, `${format.int(pgApart.paced.rate)} req/s`, `p99 ${pgApart.paced.p99} ms`, `in the service p50 ${upTo(pgApart.paced.inServiceP50)}, p99 ${upTo(pgApart.paced.inServiceP99)}`]]
            : []),
          ['one check at a time, SQLite', `${format.int(sqliteAlone.rate)} req/s`, `p99 ${sqliteAlone.p99} ms`, `in the service p50 ${upTo(sqliteAlone.inServiceP50)}, p99 ${upTo(sqliteAlone.inServiceP99)}`],
          ['one check at a time, PostgreSQL', `${format.int(pgAlone.rate)} req/s`, `p99 ${pgAlone.p99} ms`, `in the service p50 ${upTo(pgAlone.inServiceP50)}, p99 ${upTo(pgAlone.inServiceP99)}`],
          ['per check on PostgreSQL, as the nodes and the server counted:', '', '', ''],
          databaseRow('  one check at a time (the baseline)', pgAlone),
          databaseRow('  two nodes, 20 connections, sharing every core', pg),
          ...(pgApart ? [databaseRow('  two nodes, 20 connections, PostgreSQL on its own core', pgApart.flat)] : []),
          databaseRow(`  two nodes, ${PACED} checks/s offered, sharing every core`, pgPaced),
          ...(pgApart ? [databaseRow(`  two nodes, ${PACED} checks/s offered, PostgreSQL on its own core`, pgApart.paced)] : []),
          ['rule set published on A, deciding on B', `${Math.round(publishMs)} ms`, 'from A’s answer to B’s readiness showing it', ''],
          ['key revoked on A, refused on B', `${Math.round(revokeMs)} ms`, 'from A’s answer to B’s first 401', ''],
        ],
        targets: [
          pgApart && apart.ok
            ? {
                name: `two nodes on PostgreSQL: in-service p99 ≤ 5 ms at 20 connections flat out, ${apart.description}`,
                met: pgApart.flat.inServiceP99 <= 5,
                value: `${upTo(pgApart.flat.inServiceP99)} (sharing every core: ${upTo(pg.inServiceP99)}; at ${PACED} checks/s offered: ${upTo(pgApart.paced.inServiceP99)})`,
              }
            : { name: 'two nodes on PostgreSQL: in-service p99 ≤ 5 ms at 20 connections, taken without separating the database from the nodes', met: pg.inServiceP99 <= 5, value: `${upTo(pg.inServiceP99)} (at ${PACED} checks/s offered: ${upTo(pgPaced.inServiceP99)})` },
          { name: 'a publish reaches the other node within 1 s', met: publishMs <= 1000, value: `${Math.round(publishMs)} ms` },
          { name: 'a revocation reaches the other node within 1 s', met: revokeMs <= 1000, value: `${Math.round(revokeMs)} ms` },
        ],
      };
    } finally {
      await Promise.all(started.map((node) => (node.child.exitCode === null ? node.stop() : Promise.resolve())));
      await admin.end();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
