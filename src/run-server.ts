import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { API_VERSION, createApp } from './http/app.js';
import { limitConnections } from './http/connection-limits.js';
import type { AppEnv } from './http/env.js';
import { registerMetrics } from './http/routes/system/metrics.js';
import { ConfigError, loadConfig, type Config, type ServerLimits } from './config.js';
import { RuleSetError } from './engine/index.js';
import { StartupRefusal, StorageUnavailable } from './store/index.js';
import { createLogger } from './log.js';
import { exchangeMemberFromEnv } from './cli/exchange.js';
import { buildServices, type Services } from './services.js';
import { startTracing } from './tracing.js';

/** The limits Node reads only when it makes the server: how often it looks for requests past their deadline. */
export function serverOptions(limits: ServerLimits) {
  return { connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))) };
}

/**
 * Bounds what the network can hold open: the whole request head within `headersTimeoutMs` of
 * connecting, the whole request (body included) within `requestTimeoutMs`, an idle keep-alive
 * connection closed after `idleTimeoutMs`, and connections capped in all and per address (see
 * limitConnections). A flood of idle sockets or a body sent a byte a second then costs a bounded
 * number of file descriptors for a bounded time, and tills keep getting through.
 */
export function applyLimits(server: Server, limits: ServerLimits, watch: Parameters<typeof limitConnections>[2]): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.idleTimeoutMs;
  limitConnections(server, limits, watch);
}

/** Metrics on a listener of their own, with no key: for a scraper on a private network. */
function startMetricsListener(services: Services, config: Config, port: number): Server {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('services', services);
    await next();
  });
  registerMetrics(app, { open: true });
  const limits = { ...config.limits, maxConnections: 64, maxConnectionsPerClient: 16 };
  const server = serve({ fetch: app.fetch, port, hostname: config.host, serverOptions: serverOptions(limits) }, (info) => {
    services.logger.info('metrics listening', { url: `http://${config.host}:${info.port}/metrics` });
  }) as Server;
  applyLimits(server, limits, { logger: services.logger });
  return server;
}

/**
 * `npm start` and `vouchsafe serve`: the service, configured by environment. A bad setting, a rule set
 * that does not compile, or a database it will not guess about (missing beside its old files, corrupt,
 * locked by another process, written with another identity secret) stops it with one line naming the
 * fault (exit 78, EX_CONFIG), never a stack trace and never a silent fresh start. A database out of
 * reach is one line too, exit 1.
 */
export async function runService(): Promise<void> {
  try {
    await startServer(loadConfig());
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RuleSetError || error instanceof StartupRefusal) {
      process.stderr.write(`Vouchsafe cannot start: ${error.message}\n`);
      process.exit(78);
    }
    if (error instanceof StorageUnavailable) {
      // The database out of reach is worth another try (exit 1, so systemd restarts it); one line, as
      // the whole error would print its causes, and with them whatever the driver put in them.
      process.stderr.write(`Vouchsafe cannot start: the database cannot be reached: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** How long a stopping node waits for requests in flight before it stops anyway. */
const DRAIN_MS = 10_000;

/**
 * Starts the service and stops it cleanly on SIGINT or SIGTERM: readiness fails at once (so a load
 * balancer sends new tills elsewhere), no new connection is taken, the requests in flight are
 * answered, background work is recorded, the database closes, and the process exits 0.
 */
/** What the first start suggests for a first admin key: `tests/cli/first-run.test.ts` runs it, as printed, beside the service. */
const FIRST_ADMIN_KEY_COMMAND = 'npm run vouchsafe -- keys create --role admin --name "First admin"';

export async function startServer(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  // Before the store opens: its calls are traced only if tracing is on by then.
  const tracing = config.tracing && (await startTracing({ ...config.tracing, serviceVersion: API_VERSION }));
  const services = await buildServices({
    databasePath: config.databasePath,
    rulesDirectory: config.rulesDirectory,
    adminKey: config.adminKey,
    idSecret: config.idSecret,
    logger,
    processMetrics: true,
    ruleApproval: config.ruleApproval,
    timeZone: config.timeZone,
    holdDeadlineMs: config.holdDeadlineMs,
    freezeAnswerWithinMs: config.freezeAnswerWithinMs,
    storesFile: config.storesFile,
    areaAlerts: config.areaAlerts,
    webhooksAllowHttp: config.webhooksAllowHttp,
    webhooksAllowHosts: config.webhooksAllowHosts,
    background: true,
    workers: config.workers,
    databaseMaxBytes: config.databaseMaxBytes,
    databasePoolSize: config.databasePoolSize,
    cards: config.cards,
    exchange: exchangeMemberFromEnv(process.env, logger),
  });
  if ((await services.store.keys.activeAdminCount()) === 0) {
    // A command to copy as it stands: it works while this service runs (it writes beside it), on the same VOUCHSAFE_DB.
    logger.warn(`no admin key yet: in another shell run \`${FIRST_ADMIN_KEY_COMMAND}\` (it prints the key), or set VOUCHSAFE_ADMIN_KEY (32+ characters) and restart`);
  }

  const app = createApp(services, {
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    failedKeysPerMinute: config.failedKeysPerMinute,
    metrics: config.metricsPort === undefined ? { on: 'keyed', key: config.metricsKey } : { on: 'elsewhere' },
    accessLog: config.accessLog,
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: serverOptions(config.limits) }, (info) => {
    logger.info('vouchsafe listening', {
      url: `http://${config.host}:${info.port}`,
      database: services.store.kind === 'postgres' ? 'postgresql' : config.databasePath,
      ruleSetVersion: services.rules.current.version,
      tracing: tracing ? 'otlp' : 'off',
    });
  }) as Server;
  applyLimits(server, config.limits, { logger, metrics: services.metrics });
  const metricsServer = config.metricsPort === undefined ? undefined : startMetricsListener(services, config, config.metricsPort);

  const refuse = (error: NodeJS.ErrnoException) => {
    // A port already taken or not ours to bind: one line and EX_CONFIG, like every start-up refusal.
    process.stderr.write(`Vouchsafe cannot start: cannot listen on ${config.host} (${error.code ?? error.message})\n`);
    void services.close().finally(() => process.exit(78));
  };
  server.once('error', refuse);
  metricsServer?.once('error', refuse);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    services.lifecycle.draining = true;
    logger.info('stopping: answering the requests in flight', { signal, inFlight: services.activity.inFlight });
    const finish = (code: number) => {
      // Webhook attempts in flight are recorded before the database closes: none is sent twice for want of it.
      void services
        .stopBackground()
        .then(() => services.close())
        // The spans of the last requests are sent before the process goes.
        .then(() => tracing && tracing.shutdown())
        .catch((error: unknown) => logger.error('stopping failed', { error: error instanceof Error ? error.message : String(error) }))
        .finally(() => process.exit(code));
    };
    const force = setTimeout(() => {
      logger.warn('requests still open after the drain period; stopping anyway', { inFlight: services.activity.inFlight });
      server.closeAllConnections();
      finish(0);
    }, DRAIN_MS);
    force.unref();
    metricsServer?.close();
    // Idle keep-alive connections go now; a busy one closes once its response is sent.
    server.close(() => {
      clearTimeout(force);
      logger.info('stopped cleanly');
      finish(0);
    });
    server.closeIdleConnections();
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    idle.unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
