import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBodies } from './lib/check-bodies.js';
import { storeName } from './lib/history.js';
import { load, type LoadResult } from './lib/load.js';
import { format } from './lib/measure.js';
import { makeKey, startServerProcess } from './lib/server-process.js';
import type { Section } from './section.js';

const STORES = 40;
const CUSTOMERS = 50_000;
const CONNECTIONS = 20;

/** An OTLP/HTTP collector on loopback that counts the spans it is sent and keeps nothing. */
async function countingCollector() {
  let spans = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> };
      for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    spans: () => spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** POST /v1/checks flat out at 20 connections, on a fresh database, with the server's environment `env`. */
async function checksPerSecond(env: Record<string, string>, seconds: number): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-bench-tracing-'));
  const server = await startServerProcess(join(dir, 'bench.db'), { env });
  try {
    const till = await makeKey(server, { role: 'till', storeIds: Array.from({ length: STORES }, (_, i) => storeName(i)) });
    const body = checkBodies({ stores: STORES, customers: CUSTOMERS });
    const result = await load({ url: server.url, path: '/v1/checks', headers: { authorization: `Bearer ${till}` }, body, connections: CONNECTIONS, seconds });
    if (result.errors || result.non2xx) throw new Error(`${result.errors} errors and ${result.non2xx} non-2xx answers`);
    return result;
  } finally {
    // Stopping sends the spans still waiting: the collector has them all once this returns.
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What tracing costs a check: the check path with no OTLP endpoint (the SDK never loaded) beside the
 * same path exporting every span to a collector on loopback. Off, then on, then off and on again, so
 * that a machine busy for a moment does not land on one side only.
 */
export const tracingSection: Section = {
  name: 'tracing',
  title: '9. Tracing: POST /v1/checks at 20 connections with no OTLP endpoint, and exporting every span to a collector on loopback',
  async run({ sized }) {
    const seconds = sized({ full: 10, quick: 3, smoke: 1 });
    const collector = await countingCollector();
    try {
      const endpoint = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url };
      const off: LoadResult[] = [];
      const on: LoadResult[] = [];
      const tenth: LoadResult[] = [];
      let spansOfEveryTrace = 0;
      for (let round = 0; round < 2; round++) {
        off.push(await checksPerSecond({}, seconds));
        const before = collector.spans();
        on.push(await checksPerSecond(endpoint, seconds));
        spansOfEveryTrace += collector.spans() - before;
        tenth.push(await checksPerSecond({ ...endpoint, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }, seconds));
      }
      const rate = (runs: LoadResult[]) => runs.reduce((sum, run) => sum + run.requestsPerSecond, 0) / runs.length;
      const checksTraced = on.reduce((sum, run) => sum + run.requests, 0);
      const spansPerCheck = spansOfEveryTrace / checksTraced;
      const kept = (runs: LoadResult[]) => rate(runs) / rate(off);
      const row = (label: string, run: LoadResult, against: string) => [label, `${format.int(run.requestsPerSecond)} req/s`, `p50 ${run.p50} ms, p99 ${run.p99} ms, max ${run.max} ms`, against];
      const share = (run: LoadResult, i: number) => `${Math.round((100 * run.requestsPerSecond) / off[i]!.requestsPerSecond)}% of off`;
      return {
        results: { off, on, tenth, checksTraced, spansPerCheck, seconds },
        rows: [
          ...off.map((run, i) => row(`tracing off (no endpoint), run ${i + 1}`, run, 'baseline')),
          ...on.map((run, i) => row(`every trace exported (OTLP/HTTP to loopback), run ${i + 1}`, run, share(run, i))),
          ...tenth.map((run, i) => row(`one trace in ten exported, run ${i + 1}`, run, share(run, i))),
          ['spans per check, every trace exported', spansPerCheck.toFixed(1), `${format.int(spansOfEveryTrace)} spans for ${format.int(checksTraced)} checks`, ''],
        ],
        targets: [
          { name: 'every trace exported keeps ≥ 50% of the untraced check rate', met: kept(on) >= 0.5, value: `${Math.round(100 * kept(on))}%` },
          { name: 'one trace in ten keeps ≥ 80% of the untraced check rate', met: kept(tenth) >= 0.8, value: `${Math.round(100 * kept(tenth))}%` },
        ],
      };
    } finally {
      await collector.close();
    }
  },
};
