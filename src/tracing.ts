import { type Attributes, context, propagation, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { ATTR_DB_OPERATION_NAME, ATTR_DB_SYSTEM_NAME, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { StoreSpan } from './store/index.js';

/** OpenTelemetry's standard samplers (OTEL_TRACES_SAMPLER); the ratio ones take OTEL_TRACES_SAMPLER_ARG. */
export const SAMPLERS = ['parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio', 'always_on', 'always_off', 'traceidratio'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export interface TracingOptions {
  /**
   * Where to send spans (OTLP over HTTP, the full `…/v1/traces` URL). Unset, the exporter reads the
   * standard variables itself: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT
   * with `/v1/traces` added (and OTEL_EXPORTER_OTLP_HEADERS, …_TIMEOUT and the rest).
   */
  url?: string;
  serviceName: string;
  serviceVersion: string;
  /** Which traces to keep: every one by default (`parentbased_always_on`, following a caller's choice); a ratio keeps that share of them. */
  sampler?: { name: SamplerName; ratio: number };
}

export interface Tracing {
  /** Sends the spans still waiting and stops tracing: spans made after it are the no-op kind again. */
  shutdown(): Promise<void>;
}

// Set only while spans are exported. Unset, every span this service would make is skipped before any
// OpenTelemetry call: tracing costs a check nothing unless it is configured.
let tracer: Tracer | undefined;

/**
 * Starts exporting spans, with the OpenTelemetry SDK loaded now and not before: a node with no OTLP
 * endpoint never loads it. Start it before the store is opened (`storeSpan` is read then). The
 * process's context manager follows each request through its awaits, so a database call's span is a
 * child of its request's.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  const [{ TracerProvider, BatchSpanProcessor, AlwaysOnSampler, AlwaysOffSampler, ParentBasedSampler, TraceIdRatioBasedSampler }, { OTLPTraceExporter }, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { resourceFromAttributes }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
    ]);
  const { name, ratio } = options.sampler ?? { name: 'parentbased_always_on', ratio: 1 };
  const root = name.endsWith('always_on') ? new AlwaysOnSampler() : name.endsWith('always_off') ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(ratio);
  const provider = new TracerProvider({
    sampler: name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root,
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, [ATTR_SERVICE_VERSION]: options.serviceVersion }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(options.url ? { url: options.url } : {}) })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  tracer = trace.getTracer('vouchsafe', options.serviceVersion);
  return {
    async shutdown() {
      tracer = undefined;
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** Whether spans are being exported. */
export const tracing = (): boolean => tracer !== undefined;

/**
 * Runs `work` as a span (active for everything it starts), ended when `work`, or the promise it
 * returns, settles; a failure marks the span an error. Not tracing, it just runs `work`.
 */
export function inSpan<T>(name: string, options: { kind?: SpanKind; attributes?: Attributes }, work: (span: Span | undefined) => T): T {
  if (!tracer) return work(undefined);
  // Inside a trace this service chose not to keep, a child would not be kept either (by a parent-based
  // sampler, or by the same trace id's ratio): skip making it. A check makes about six spans, and with
  // one trace in ten kept, making and dropping them was most of what tracing cost. A caller's parent
  // (remote) still gets its server span, since the sampler may keep a trace its caller did not.
  const parent = trace.getActiveSpan();
  if (parent && !parent.isRecording() && !parent.spanContext().isRemote) return work(undefined);
  return tracer.startActiveSpan(name, options, (span) => {
    const fail = (error: unknown): never => {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      throw error;
    };
    try {
      const result = work(span);
      if (!(result instanceof Promise)) {
        span.end();
        return result;
      }
      return result.then((value: unknown) => {
        span.end();
        return value;
      }, fail) as T;
    } catch (error) {
      return fail(error);
    }
  });
}

const storeSpans: StoreSpan = (system, operation, work) =>
  inSpan(`${system} ${operation}`, { kind: SpanKind.CLIENT, attributes: { [ATTR_DB_SYSTEM_NAME]: system, [ATTR_DB_OPERATION_NAME]: operation } }, work);

/** The store's tracing seam while tracing (each repository call and transaction a client span); otherwise none, and the store wraps nothing. */
export const storeSpan = (): StoreSpan | undefined => (tracer ? storeSpans : undefined);
