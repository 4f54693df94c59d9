import { ConfigError, loadConfig } from './config.js';
import { RuleSetError } from './engine/index.js';
import { startServer } from './run-server.js';

// `npm start`: the service, configured by environment. A bad setting or rule set stops it with a
// message naming the fault (exit 78, EX_CONFIG), not a stack trace.
try {
  startServer(loadConfig());
} catch (error) {
  if (error instanceof ConfigError || error instanceof RuleSetError) {
    process.stderr.write(`Vouchsafe cannot start: ${error.message}\n`);
    process.exit(78);
  }
  throw error;
}
