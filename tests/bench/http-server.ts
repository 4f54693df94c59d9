import { constants, createHistogram, monitorEventLoopDelay, type NodeGCPerformanceDetail, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { loadConfig } from '../../src/config.js';
import { API_VERSION, createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { buildServices } from '../../src/services.js';
import { startTracing } from '../../src/tracing.js';

// The service as `npm start` runs it, plus a bare Hono route on the same server: the baseline for
// what HTTP and JSON cost before Vouchsafe does anything. Prints its port, then serves until killed.
// With an OTLP endpoint set it traces, as `npm start` would.
const traced = loadConfig().tracing;
const tracing = traced && (await startTracing({ ...traced, serviceVersion: API_VERSION }));
const services = await buildServices({
  databasePath: process.env.VOUCHSAFE_DB!,
  rulesDirectory: 'rules',
  adminKey: process.env.VOUCHSAFE_ADMIN_KEY,
  idSecret: process.env.VOUCHSAFE_ID_SECRET,
  ...(process.env.VOUCHSAFE_DB_POOL ? { databasePoolSize: Number(process.env.VOUCHSAFE_DB_POOL) } : {}),
  ...(process.env.VOUCHSAFE_WEBHOOKS_ALLOW_HTTP === '1' ? { webhooksAllowHttp: true } : {}),
  logger: createLogger('warn'),
  processMetrics: true,
  background: true,
});
const server = new Hono();
server.post('/bare', async (c) => {
  const body = await c.req.json<{ transactionId?: string }>();
  return c.json({ ok: true, transactionId: body.transactionId ?? null });
});
// For the bench alone: the CPU this process has used (so a section can divide it by the requests it
// sent), and the event loop's delays since the last reset (what a publish costs the tills).
server.get('/bench/cpu', (c) => {
  const used = process.cpuUsage();
  // The event loop's thread alone: what the tills wait on, apart from workers and V8's helper threads.
  const main = process.threadCpuUsage();
  return c.json({ micros: used.user + used.system, mainThreadMicros: main.user + main.system });
});
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
// Beside the delays, the full collections of this thread's heap (mark-compact, with the incremental
// marking steps before each): the one kind of garbage collection long enough to show in a till's p99.
const fullGcs = { count: 0, ms: 0, longestMs: 0 };
new PerformanceObserver((entries) => {
  for (const entry of entries.getEntries()) {
    const { kind } = (entry as PerformanceEntry & { detail: NodeGCPerformanceDetail }).detail;
    if (kind !== constants.NODE_PERFORMANCE_GC_MAJOR && kind !== constants.NODE_PERFORMANCE_GC_INCREMENTAL) continue;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) fullGcs.count += 1;
    fullGcs.ms += entry.duration;
    fullGcs.longestMs = Math.max(fullGcs.longestMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });
server.post('/bench/loop-delay/reset', (c) => {
  loopDelay.reset();
  Object.assign(fullGcs, { count: 0, ms: 0, longestMs: 0 });
  return c.json({});
});
server.get('/bench/loop-delay', (c) => c.json({ maxMs: loopDelay.max / 1e6, p99Ms: loopDelay.percentile(99) / 1e6, fullGcs }));
// The service's own histogram (on /metrics) answers in buckets, "≤ 5 ms" or "≤ 10 ms"; for a target
// on such an edge the bench also times each POST /v1/checks exactly, around the whole app, in µs.
const checkTimes = createHistogram();
server.use('/v1/checks', async (c, next) => {
  if (c.req.method !== 'POST') return next();
  const started = process.hrtime.bigint();
  await next();
  checkTimes.record(Math.max(1, Number((process.hrtime.bigint() - started) / 1000n)));
});
server.post('/bench/check-times/reset', (c) => {
  checkTimes.reset();
  return c.json({});
});
server.get('/bench/check-times', (c) =>
  c.json({ count: checkTimes.count, p50Ms: checkTimes.percentile(50) / 1000, p99Ms: checkTimes.percentile(99) / 1000, maxMs: checkTimes.max / 1000 }),
);
server.route('/', createApp(services));

serve({ fetch: server.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port, pid: process.pid })}\n`);
});
process.on('SIGTERM', () => {
  void services
    .stopBackground()
    .then(() => services.close())
    .then(() => tracing && tracing.shutdown())
    .finally(() => process.exit(0));
});
