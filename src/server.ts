import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { RuleSetError } from './engine/index.js';
import { createLogger } from './log.js';
import { buildServices } from './services.js';

function main(): void {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Vouchsafe cannot start: the configuration is not valid.\n${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  let services;
  try {
    services = buildServices({
      databasePath: config.databasePath,
      rulesDirectory: config.rulesDirectory,
      adminKey: config.adminKey,
      idSecret: config.idSecret,
      logger,
      processMetrics: true,
    });
  } catch (error) {
    if (error instanceof RuleSetError) {
      process.stderr.write(`Vouchsafe cannot start: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }

  if (services.store.keys.activeAdminCount() === 0) {
    logger.warn('no admin key yet: set VOUCHSAFE_ADMIN_KEY (32+ characters) and restart to make the first one');
  }

  const app = createApp(services);
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
    server.close(() => {
      services.store.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main();
