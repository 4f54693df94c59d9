import { ConfigError, loadConfig } from './config.js';
import { RuleSetError } from './engine/index.js';
import { startServer } from './run-server.js';
import { StartupRefusal, StorageUnavailable } from './store/index.js';

// `npm start`: the service, configured by environment. A bad setting, a rule set that does not
// compile, or a database it will not guess about (missing beside its old files, corrupt, locked by
// another process, written with another identity secret) stops it with one line naming the fault
// (exit 78, EX_CONFIG), never a stack trace and never a silent fresh start. A database out of reach
// is one line too, exit 1.
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
