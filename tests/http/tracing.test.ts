import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTracing, tracing } from '../../src/tracing.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';
import { startService } from '../helpers/service-process.js';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  attributes: Record<string, unknown>;
  service: unknown;
}

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
const valueOf = (value: AnyValue) => value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue));
const attributes = (list: Array<{ key: string; value: AnyValue }> = []) => Object.fromEntries(list.map(({ key, value }) => [key, valueOf(value)]));

/** A tiny OTLP/HTTP (JSON) collector on loopback: every span it is sent. */
async function collector() {
  const spans: ReceivedSpan[] = [];
  const paths: string[] = [];
  let requests = 0;
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = attributes(resourceSpans.resource?.attributes)['service.name'];
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({ traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, attributes: attributes(span.attributes), service });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, url: `${base}/v1/traces`, spans, paths, requests: () => requests };
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A check sent with a caller's traceparent, its spans once exported: the server span, and what it holds. */
async function tracedCheck(options: Parameters<typeof testApp>[0] = {}) {
  const otlp = await collector();
  const tracer = await startTracing({ url: otlp.url, serviceName: 'vouchsafe-test', serviceVersion: 'test' });
  let stopped = false;
  const stop = async () => {
    if (!stopped) await tracer.shutdown();
    stopped = true;
  };
  onTestFinished(stop);
  const { call, makeKey, logLines } = await testApp(options);
  const till = await makeKey('till', [STORE]);
  const caller = { traceId: hex(16), spanId: hex(8) };
  const made = await call('POST', '/v1/checks', { key: till, body: aCheck(), headers: { traceparent: `00-${caller.traceId}-${caller.spanId}-01` } });
  expect(made.status).toBe(201);
  await stop();
  const server = otlp.spans.find((span) => span.name === 'POST /v1/checks');
  expect(server, `spans received: ${otlp.spans.map((span) => span.name).join(', ')}`).toBeDefined();
  const inCheck = otlp.spans.filter((span) => span.traceId === server!.traceId);
  const accessLine = logLines.map((line) => JSON.parse(line)).find((entry) => entry.message === 'request' && entry.route === '/v1/checks');
  return { caller, server: server!, inCheck, accessLine };
}

/** Whether `span` descends from `ancestor` among `spans`. */
function descends(spans: ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  for (let parent = span.parentSpanId; parent; parent = spans.find((s) => s.spanId === parent)?.parentSpanId) {
    if (parent === ancestor.spanId) return true;
  }
  return false;
}

describe('tracing', () => {
  it('is off with no OTLP endpoint: the tracer is the no-op one, and nothing is sent', async () => {
    const otlp = await collector();
    expect(tracing()).toBe(false);
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    expect((await call('POST', '/v1/checks', { key: till, body: aCheck(), headers: { traceparent: `00-${hex(16)}-${hex(8)}-01` } })).status).toBe(201);
    const span = trace.getTracer('vouchsafe').startSpan('anything');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toBe('00000000000000000000000000000000');
    span.end();
    expect(otlp.requests()).toBe(0);
  });

  it('sends a check’s spans to the OTLP endpoint: the route, the decision and each SQLite call, in the caller’s trace', async () => {
    const { caller, server, inCheck, accessLine } = await tracedCheck();
    // The log names the trace, and the trace the request.
    expect(accessLine).toMatchObject({ traceId: caller.traceId, requestId: server.attributes['vouchsafe.request_id'] });
    expect(server).toMatchObject({
      traceId: caller.traceId,
      parentSpanId: caller.spanId,
      service: 'vouchsafe-test',
      attributes: { 'http.request.method': 'POST', 'http.route': '/v1/checks', 'http.response.status_code': 201 },
    });
    const decide = inCheck.find((span) => span.name === 'decide');
    expect(decide?.attributes).toMatchObject({ 'vouchsafe.trigger': 'check', 'vouchsafe.action': 'allow' });
    expect(descends(inCheck, decide!, server)).toBe(true);
    const database = inCheck.filter((span) => span.attributes['db.system.name'] === 'sqlite');
    expect(database.map((span) => span.name)).toEqual(expect.arrayContaining(['sqlite transaction', 'sqlite checks.save']));
    for (const span of database) expect(descends(inCheck, span, server), span.name).toBe(true);
  });

  it('keeps the share of traces the sampler says, and always a trace its caller chose to keep', async () => {
    const otlp = await collector();
    const tracer = await startTracing({ url: otlp.url, serviceName: 'vouchsafe-test', serviceVersion: 'test', sampler: { name: 'parentbased_traceidratio', ratio: 0 } });
    onTestFinished(() => tracer.shutdown());
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const kept = hex(16);
    for (const traceparent of [undefined, `00-${hex(16)}-${hex(8)}-00`, `00-${kept}-${hex(8)}-01`]) {
      const made = await call('POST', '/v1/checks', { key: till, body: aCheck(), headers: traceparent ? { traceparent } : {} });
      expect(made.status).toBe(201);
    }
    await tracer.shutdown();
    expect(new Set(otlp.spans.map((span) => span.traceId))).toEqual(new Set([kept]));
  });

  it('is started by the service from the standard variables, and sends the last spans when it stops', async () => {
    const otlp = await collector();
    const adminKey = `trace-admin-${hex(16)}`;
    const service = startService({ VOUCHSAFE_DB: ':memory:', VOUCHSAFE_ADMIN_KEY: adminKey, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.base, OTEL_SERVICE_NAME: 'vouchsafe-node-a' });
    const url = await service.listening;
    const made = await fetch(new URL('/v1/keys', url), {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'till', name: 'A traced till', storeIds: [STORE] }),
    });
    expect(made.status).toBe(201);
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
    // The base URL's traces path, as the OpenTelemetry specification says.
    expect(new Set(otlp.paths)).toEqual(new Set(['/v1/traces']));
    expect(otlp.spans).toContainEqual(expect.objectContaining({ name: 'POST /v1/keys', service: 'vouchsafe-node-a' }));
  });

  it.skipIf(!postgresAvailable)('follows a check into PostgreSQL: each query and the transaction a span of the check’s trace', async () => {
    const { caller, server, inCheck } = await tracedCheck({ databasePath: await freshPostgresUrl(), idSecret: `trace-secret-${hex(16)}` });
    expect(server.traceId).toBe(caller.traceId);
    const database = inCheck.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    expect(database.map((span) => span.name)).toEqual(expect.arrayContaining(['postgresql transaction', 'postgresql checks.save']));
    for (const span of database) expect(descends(inCheck, span, server), span.name).toBe(true);
  });
});
