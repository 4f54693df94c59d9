/**
 * `npm run demo:till`: a browser till on its own origin, using the built SDK bundle and
 * `<vouchsafe-prompt>`, against the service (started here, on VOUCHSAFE_DB and VOUCHSAFE_RULES). Open
 * the page, pick one of the seed's three stories, scan, and tap the customer's answers.
 */
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { DEMO_TILL_PORT, DemoTillRefusal, startDemoTill } from './demo-till/serve.js';

const config = loadConfig();
const demo = await startDemoTill({
  host: config.host,
  servicePort: config.port,
  tillPort: Number(process.env.VOUCHSAFE_TILL_PORT ?? DEMO_TILL_PORT),
  databasePath: config.databasePath,
  rulesDirectory: config.rulesDirectory,
  logger: createLogger(config.logLevel),
}).catch((error: unknown) => {
  if (!(error instanceof DemoTillRefusal)) throw error;
  // What to do, in words: not a stack trace.
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
});
console.log(`
The demo till is at ${demo.tillUrl} (the service at ${demo.serviceUrl}, database ${config.databasePath}).
Open it in a browser, pick a customer, scan, and answer as the customer would. Ctrl-C stops both.
`);
const stop = () => void demo.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
