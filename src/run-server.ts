import { serve } from '@hono/node-server';
import { createApp } from './http/app.js';
import type { Config } from './config.js';
import { createLogger } from './log.js';
import { buildServices } from './services.js';

/** Starts the service and stops it cleanly on SIGINT or SIGTERM: open requests finish, then the database closes. */
export function startServer(config: Config): void {
  const logger = createLogger(config.logLevel);
  const services = buildServices({
    databasePath: config.databasePath,
    rulesDirectory: config.rulesDirectory,
    adminKey: config.adminKey,
    idSecret: config.idSecret,
    logger,
    processMetrics: true,
    ruleApproval: config.ruleApproval,
    holdDeadlineMs: config.holdDeadlineMs,
    webhooksAllowHttp: config.webhooksAllowHttp,
    background: true,
  });
  if (services.store.keys.activeAdminCount() === 0) {
    logger.warn('no admin key yet: set VOUCHSAFE_ADMIN_KEY (32+ characters) and restart, or run `npm run vouchsafe -- keys create --role admin --name …`');
  }

  const app = createApp(services, { corsOrigins: config.corsOrigins });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info('vouchsafe listening', {
      url: `http://${config.host}:${info.port}`,
      database: config.databasePath,
      ruleSetVersion: services.rules.current.version,
    });
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    const force = setTimeout(() => {
      logger.warn('connections did not close in time; stopping anyway');
      services.store.close();
      process.exit(0);
    }, 10_000);
    force.unref();
    // Webhook attempts in flight are recorded before the database closes: none is sent twice for want of it.
    server.close(() => {
      void services.close().finally(() => process.exit(0));
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
