import { z } from 'zod';
import { type CardKeys, DEFAULT_CARD_RETENTION_MS } from './checks/card-vault.js';
import { DEFAULT_TIME_ZONE, isTimeZone } from './engine/index.js';
import type { ConnectionLimits } from './http/connection-limits.js';
import { type OriginPattern, parseOriginPattern } from './http/cors-origins.js';
import { DurationError, parseDuration } from './duration.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import { SAMPLERS, type TracingOptions } from './tracing.js';
import { type AllowList, NOTHING_ALLOWED, parseAllowList } from './webhooks/index.js';

/** The longest a hold may wait for a supervisor: a customer will not stand at a till for longer. */
const MAX_HOLD_DEADLINE_MS = 60 * 60_000;

const HoldDeadline = z.string().transform((text, ctx) => {
  try {
    const ms = parseDuration(text, ['s', 'm', 'h'], ['90s', '5m']);
    if (ms > MAX_HOLD_DEADLINE_MS) ctx.addIssue({ code: 'custom', message: 'A hold waits at most 1h for a supervisor' });
    return ms;
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

/** A card key: 32 random bytes, base64 (standard or URL-safe), as `openssl rand -base64 32` prints. */
const CardKey = z.string().transform((text, ctx) => {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    ctx.addIssue({ code: 'custom', message: `must be 32 bytes in base64 (this is ${key.length}); make one with: openssl rand -base64 32` });
    return z.NEVER;
  }
  return key;
});

const CardRetention = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text, ['h', 'd'], ['90d', '30d']);
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

/**
 * How long a freeze request may wait for the processor's answer before the dashboard flags it. Scam
 * cards are drained 6 to 30 minutes after activation (../shared/research/after-the-till-and-across-shops.md,
 * section 2 item 5): an answer not back in 15 minutes needs a phone call to the processor.
 */
const FreezeAnswerWithin = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text, ['m', 'h'], ['15m', '1h']);
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

/**
 * A store router's share: a busy store's tills, each with a few keep-alive connections (a check, the
 * outbox, the rule refresh), stay far below it, and it takes 16 addresses to reach the total.
 */
const DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  VOUCHSAFE_DB: z.string().min(1).default('./data/vouchsafe.db'),
  VOUCHSAFE_RULES: z.string().min(1).default('./rules'),
  VOUCHSAFE_ADMIN_KEY: z
    .string()
    .min(32, 'VOUCHSAFE_ADMIN_KEY must be at least 32 characters: it guards every other key')
    .optional(),
  VOUCHSAFE_ID_SECRET: z
    .string()
    .min(32, 'VOUCHSAFE_ID_SECRET must be at least 32 characters')
    .optional(),
  VOUCHSAFE_LOG: z.enum(Object.keys(LOG_LEVELS) as [LogLevel, ...LogLevel[]]).default('info'),
  VOUCHSAFE_RULES_APPROVAL: z.enum(['single', 'two-person']).default('single'),
  VOUCHSAFE_TIMEZONE: z
    .string()
    .refine(isTimeZone, 'VOUCHSAFE_TIMEZONE must be an IANA time zone such as Europe/London')
    .default(DEFAULT_TIME_ZONE),
  VOUCHSAFE_CORS_ORIGINS: z
    .string()
    .transform((list, context) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean)
        .flatMap((origin) => {
          const parsed = parseOriginPattern(origin);
          if ('pattern' in parsed) return [parsed.pattern];
          context.addIssue({ code: 'custom', message: parsed.problem });
          return [];
        }),
    )
    .default([]),
  VOUCHSAFE_HOLD_DEADLINE: HoldDeadline.default(5 * 60_000),
  VOUCHSAFE_STORES_FILE: z.string().min(1).optional(),
  VOUCHSAFE_AREA_ALERT_KM: z.coerce.number().positive('VOUCHSAFE_AREA_ALERT_KM must be a distance in km above 0').max(500, 'VOUCHSAFE_AREA_ALERT_KM is at most 500 km').default(5),
  VOUCHSAFE_AREA_ALERT_MINUTES: z.coerce.number().int('VOUCHSAFE_AREA_ALERT_MINUTES must be whole minutes').min(1).max(7 * 24 * 60, 'VOUCHSAFE_AREA_ALERT_MINUTES is at most a week').default(60),
  VOUCHSAFE_WEBHOOKS_ALLOW_HTTP: z.enum(['0', '1']).default('0'),
  VOUCHSAFE_WEBHOOKS_ALLOW_HOSTS: z
    .string()
    .transform((list, context) => {
      const parsed = parseAllowList(list.split(',').map((entry) => entry.trim()).filter(Boolean));
      if ('list' in parsed) return parsed.list;
      context.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    })
    .default(NOTHING_ALLOWED),
  VOUCHSAFE_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  VOUCHSAFE_METRICS_KEY: z.string().min(32, 'VOUCHSAFE_METRICS_KEY must be at least 32 characters').optional(),
  VOUCHSAFE_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  VOUCHSAFE_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(4000),
  VOUCHSAFE_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(1).optional(),
  VOUCHSAFE_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  VOUCHSAFE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  VOUCHSAFE_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  VOUCHSAFE_FAILED_KEYS_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  VOUCHSAFE_DB_MAX_MB: z.coerce.number().int().min(1).optional(),
  VOUCHSAFE_DB_POOL: z.coerce.number().int().min(2).max(1000).default(10),
  VOUCHSAFE_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  VOUCHSAFE_ACCESS_LOG: z.enum(['on', 'off']).default('on'),
  VOUCHSAFE_CARD_CAPTURE: z.enum(['on', 'off']).default('off'),
  VOUCHSAFE_CARD_KEY: CardKey.optional(),
  VOUCHSAFE_CARD_KEYS_RETIRED: z
    .string()
    .transform((list, ctx) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .flatMap((entry, i) => {
          const parsed = CardKey.safeParse(entry);
          if (parsed.success) return [parsed.data];
          ctx.addIssue({ code: 'custom', message: `key ${i + 1}: ${parsed.error.issues[0]!.message}` });
          return [];
        }),
    )
    .default([]),
  VOUCHSAFE_CARD_RETENTION: CardRetention.default(DEFAULT_CARD_RETENTION_MS),
  VOUCHSAFE_FREEZE_ANSWER_WITHIN: FreezeAnswerWithin.default(15 * 60_000),
  // OpenTelemetry's own variables: the exporter reads them (and OTEL_EXPORTER_OTLP_HEADERS and the
  // rest) itself; here only to know whether to trace at all, and to refuse a URL that is not one.
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('vouchsafe'),
  OTEL_TRACES_SAMPLER: z.enum(SAMPLERS).default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databasePath: string;
  /** The most the database may hold: past it writes answer 503 `storage_unavailable`, as on a full disk, before the host's disk fills. */
  readonly databaseMaxBytes: number | undefined;
  /** PostgreSQL: the most connections this node keeps open to the database. */
  readonly databasePoolSize: number;
  readonly rulesDirectory: string;
  readonly adminKey: string | undefined;
  readonly idSecret: string | undefined;
  readonly logLevel: LogLevel;
  /** `two-person`: a published rule set waits until a second admin approves it (maker-checker). */
  readonly ruleApproval: z.infer<typeof ConfigSchema>['VOUCHSAFE_RULES_APPROVAL'];
  /** Web origins (or `https://*.domain` patterns) of browser-based tills allowed to call the API (CORS); none by default. */
  readonly corsOrigins: readonly OriginPattern[];
  /** The shops' IANA time zone: business days (transaction ids are unique per store and day) are in it. */
  readonly timeZone: string;
  /** How long a held sale waits for a supervisor before it counts as refused. */
  readonly holdDeadlineMs: number;
  /** How long a freeze request waits for the processor's answer before the dashboard flags it. */
  readonly freezeAnswerWithinMs: number;
  /** The stores file put into the registry at start. */
  readonly storesFile: string | undefined;
  /** How far (km) and how long (minutes) a scam stopped at one store raises the guard at stores nearby. */
  readonly areaAlerts: { readonly radiusKm: number; readonly minutes: number };
  /** Webhooks may also go to `http://` on this machine and to what webhooksAllowHosts lists (tests, store-local receivers); otherwise `https://` only. */
  readonly webhooksAllowHttp: boolean;
  /** Internal receivers webhooks may reach (host names, addresses, ranges); every other internal address is refused. */
  readonly webhooksAllowHosts: AllowList;
  /** Behind a TLS proxy: believe its X-Forwarded-Proto (Secure cookies) and X-Forwarded-For (the client, for rate limits). */
  readonly trustProxy: boolean;
  /** The bearer token a scraper sends for /metrics (an admin key also works); unset: admin keys only. */
  readonly metricsKey: string | undefined;
  /** Serve /metrics only on this port (on HOST, no key), not on the API's listener. */
  readonly metricsPort: number | undefined;
  readonly limits: ServerLimits;
  /** Wrong API keys or dashboard sign-ins one client may send in a minute before it is answered 429. */
  readonly failedKeysPerMinute: number;
  /** Worker threads for exports and rule-set compilation: heavy work never runs on the loop that answers tills. */
  readonly workers: number;
  /** A log line for every request answered (method, route, status, duration, key, store, request id). */
  readonly accessLog: boolean;
  /**
   * The cards sold (VOUCHSAFE_CARD_CAPTURE): whether outcomes may carry them, the keys that seal their
   * serials (the current one, and retired ones that still open what they sealed), and how long serials are kept.
   */
  readonly cards: { readonly capture: boolean; readonly keys: CardKeys | undefined; readonly retentionMs: number };
  /** Spans exported over OTLP/HTTP, under this service name: only when an OTLP endpoint is configured. */
  readonly tracing: Readonly<Required<Pick<TracingOptions, 'serviceName' | 'sampler'>>> | undefined;
}

export interface ServerLimits extends ConnectionLimits {
  /** A new connection must send its whole request head within this. */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this: a body sent a byte a second is cut off. */
  readonly requestTimeoutMs: number;
  /** A keep-alive connection with no request in flight is closed after this. */
  readonly idleTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment once, at start; a bad value stops the process with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'),
    );
  }
  const c = result.data;
  if (c.VOUCHSAFE_CARD_CAPTURE === 'on' && !c.VOUCHSAFE_CARD_KEY) {
    throw new ConfigError(
      'VOUCHSAFE_CARD_KEY: card capture is on (VOUCHSAFE_CARD_CAPTURE=on) but there is no key to encrypt serials with; make one with `openssl rand -base64 32` and keep it apart from the database',
    );
  }
  return Object.freeze({
    port: c.PORT,
    host: c.HOST,
    databasePath: c.VOUCHSAFE_DB,
    databaseMaxBytes: c.VOUCHSAFE_DB_MAX_MB === undefined ? undefined : c.VOUCHSAFE_DB_MAX_MB * 1024 * 1024,
    databasePoolSize: c.VOUCHSAFE_DB_POOL,
    rulesDirectory: c.VOUCHSAFE_RULES,
    adminKey: c.VOUCHSAFE_ADMIN_KEY,
    idSecret: c.VOUCHSAFE_ID_SECRET,
    logLevel: c.VOUCHSAFE_LOG,
    ruleApproval: c.VOUCHSAFE_RULES_APPROVAL,
    corsOrigins: c.VOUCHSAFE_CORS_ORIGINS,
    timeZone: c.VOUCHSAFE_TIMEZONE,
    holdDeadlineMs: c.VOUCHSAFE_HOLD_DEADLINE,
    freezeAnswerWithinMs: c.VOUCHSAFE_FREEZE_ANSWER_WITHIN,
    storesFile: c.VOUCHSAFE_STORES_FILE,
    areaAlerts: { radiusKm: c.VOUCHSAFE_AREA_ALERT_KM, minutes: c.VOUCHSAFE_AREA_ALERT_MINUTES },
    webhooksAllowHttp: c.VOUCHSAFE_WEBHOOKS_ALLOW_HTTP === '1',
    webhooksAllowHosts: c.VOUCHSAFE_WEBHOOKS_ALLOW_HOSTS,
    trustProxy: c.VOUCHSAFE_TRUST_PROXY === 'true',
    metricsKey: c.VOUCHSAFE_METRICS_KEY,
    metricsPort: c.VOUCHSAFE_METRICS_PORT,
    limits: Object.freeze({
      maxConnections: c.VOUCHSAFE_MAX_CONNECTIONS,
      // Behind a trusted proxy every connection comes from the proxy: a cap per address would be a cap on everyone.
      maxConnectionsPerClient: c.VOUCHSAFE_MAX_CONNECTIONS_PER_CLIENT ?? (c.VOUCHSAFE_TRUST_PROXY === 'true' ? c.VOUCHSAFE_MAX_CONNECTIONS : DEFAULT_MAX_CONNECTIONS_PER_CLIENT),
      headersTimeoutMs: c.VOUCHSAFE_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: Math.max(c.VOUCHSAFE_REQUEST_TIMEOUT_MS, c.VOUCHSAFE_HEADERS_TIMEOUT_MS),
      idleTimeoutMs: c.VOUCHSAFE_IDLE_TIMEOUT_MS,
    }),
    failedKeysPerMinute: c.VOUCHSAFE_FAILED_KEYS_PER_MINUTE,
    workers: c.VOUCHSAFE_WORKERS,
    accessLog: c.VOUCHSAFE_ACCESS_LOG === 'on',
    cards: Object.freeze({
      capture: c.VOUCHSAFE_CARD_CAPTURE === 'on',
      keys: c.VOUCHSAFE_CARD_KEY ? { current: c.VOUCHSAFE_CARD_KEY, retired: c.VOUCHSAFE_CARD_KEYS_RETIRED } : undefined,
      retentionMs: c.VOUCHSAFE_CARD_RETENTION,
    }),
    tracing:
      c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || c.OTEL_EXPORTER_OTLP_ENDPOINT
        ? Object.freeze({ serviceName: c.OTEL_SERVICE_NAME, sampler: { name: c.OTEL_TRACES_SAMPLER, ratio: c.OTEL_TRACES_SAMPLER_ARG } })
        : undefined,
  });
}
