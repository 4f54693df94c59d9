import { Command, InvalidArgumentError, Option } from 'commander';
import { runBacktestCommand } from './cli/backtest.js';
import { UsageError } from './cli/duration.js';
import { printExchangeKeys, runExchange } from './cli/exchange.js';
import { createKey } from './cli/keys.js';
import { runPurge } from './cli/purge.js';
import { runTuneCommand } from './cli/tune.js';
import { checkRules, type Output, testRules } from './cli/rules.js';
import { ConfigError } from './config.js';
import { Role } from './contract/enums.js';
import { RuleSetError } from './engine/index.js';
import { runService } from './run-server.js';
import { StartupRefusal } from './store/index.js';

const output: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const defaultDb = () => process.env.VOUCHSAFE_DB || './data/vouchsafe.db';
const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number');
  return n;
};
const repeat = (value: string, previous: string[] = []) => [...previous, value];

const program = new Command('vouchsafe')
  .description('Vouchsafe: stops gift-card scams at the till.')
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: true });

program
  .command('serve')
  .description('run the service (as `npm start`), configured by environment')
  .action(runService);

const rules = program.command('rules').description('check and test rule sets');
rules
  .command('check')
  .description('parse, type-check and lint a rule set: unknown facts, duplicate or unreachable rules, prompts that do not exist')
  .argument('[dir]', 'the rules directory', './rules')
  .option('--strict', 'fail on warnings too')
  .action((dir: string, options: { strict?: boolean }) => {
    process.exitCode = checkRules(dir, { strict: options.strict ?? false }, output);
  });
rules
  .command('test')
  .description("run every rule file's tests: cases, expectations and what differed")
  .argument('[dir]', 'the rules directory', './rules')
  .action((dir: string) => {
    process.exitCode = testRules(dir, output);
  });

const keys = program.command('keys').description('API keys');
keys
  .command('create')
  .description('make an API key directly in the database (prints it once)')
  .addOption(new Option('--role <role>', 'till, supervisor, analyst, admin or processor').choices(Role.options).makeOptionMandatory())
  .requiredOption('--name <name>', 'who or what holds the key')
  .option('--store <storeId>', 'a store the key serves (repeat for more; required for a till or supervisor)', repeat)
  .option('--db <path>', 'the database', defaultDb())
  .option('--json', 'print JSON')
  .action(async (options: { role: string; name: string; store?: string[]; db: string; json?: boolean }) => {
    process.exitCode = await createKey({ ...options, json: options.json ?? false }, output);
  });

program
  .command('backtest')
  .description('decide stored checks again with a candidate rule set and compare with the active one, graded by recorded outcomes')
  .requiredOption('--rules <dir>', 'the candidate rules directory')
  .option('--baseline <dir>', 'compare with this rules directory instead of the active rule set')
  .option('--from <date>', 'first day of the period (the store’s calendar day in VOUCHSAFE_TIMEZONE), e.g. 2026-10-01')
  .option('--to <date>', 'last day of the period (the store’s calendar day), included; default today in the store')
  .option('--days <n>', 'length of the period in days when --from is not given', positive, 30)
  .option('--store <storeId>', 'only this store (repeat for more)', repeat)
  .addOption(new Option('--intervene-at <action>', 'weakest action that counts as stopping a sale').choices(['prompt', 'hold', 'refuse']).default('prompt'))
  .option('--examples <n>', 'changed decisions to show', positive, 10)
  .option('--db <path>', 'the database', defaultDb())
  .option('--json', 'print the report as JSON')
  .action(async (options: { rules: string; baseline?: string; from?: string; to?: string; days: number; store?: string[]; interveneAt: 'prompt' | 'hold' | 'refuse'; examples: number; db: string; json?: boolean }) => {
    process.exitCode = await runBacktestCommand({ ...options, json: options.json ?? false }, output);
  });

program
  .command('tune')
  .description('learn rule scores and bands from recorded checks and outcomes within an interruption budget, check them on a later period, and write the candidate rule set')
  .requiredOption('--out <dir>', 'a new directory for the candidate rule set and its report')
  .option('--prompt-budget <share>', 'most gift-card baskets that may be prompted or more, e.g. 3%', '3%')
  .option('--hold-budget <share>', 'most gift-card baskets that may be held or refused, e.g. 1%', '1%')
  .option('--baseline <dir>', 'start from this rules directory instead of the active rule set')
  .option('--from <date>', 'first day of the history to use (the store’s calendar day in VOUCHSAFE_TIMEZONE), e.g. 2025-12-01')
  .option('--to <date>', 'last day of the history to use (the store’s calendar day), included; default today in the store')
  .option('--days <n>', 'length of the history in days when --from is not given', positive, 365)
  .option('--validate-from <date>', 'first day of the later period the candidate is checked on; default: where the last third of the checks begins')
  .option('--store <storeId>', 'only this store (repeat for more)', repeat)
  .addOption(new Option('--intervene-at <action>', 'weakest action that counts as stopping a confirmed scam').choices(['prompt', 'hold', 'refuse']).default('prompt'))
  .option('--examples <n>', 'changed decisions to show in the back-test', positive, 10)
  .option('--db <path>', 'the database', defaultDb())
  .option('--json', 'print the report as JSON')
  .action(async (options: { out: string; promptBudget: string; holdBudget: string; baseline?: string; from?: string; to?: string; days: number; validateFrom?: string; store?: string[]; interveneAt: 'prompt' | 'hold' | 'refuse'; examples: number; db: string; json?: boolean }) => {
    process.exitCode = await runTuneCommand({ ...options, json: options.json ?? false }, output);
  });

program
  .command('purge')
  .description('delete checks older than the retention period, with everything recorded about them')
  .requiredOption('--older-than <duration>', 'e.g. 400d, 56w or 72h')
  .option('--dry-run', 'only count what would be deleted')
  .option('--db <path>', 'the database', defaultDb())
  .action(async (options: { olderThan: string; dryRun?: boolean; db: string }) => {
    process.exitCode = await runPurge({ ...options, dryRun: options.dryRun ?? false }, output);
  });

const exchange = program.command('exchange').description('the exchange between retailers: a separate service a neutral body runs (docs/exchange.md)');
exchange
  .command('serve')
  .description('run the exchange, configured by environment (VOUCHSAFE_EXCHANGE_OPRF_KEY_FILE, VOUCHSAFE_EXCHANGE_MEMBERS_FILE, VOUCHSAFE_EXCHANGE_DB, PORT)')
  .action(() => runExchange());
exchange
  .command('keys')
  .description("print a new key: the exchange's OPRF key, or a member's Ed25519 key pair (private, then public)")
  .addOption(new Option('--kind <kind>', 'oprf or member').choices(['oprf', 'member']).makeOptionMandatory())
  .action((options: { kind: 'oprf' | 'member' }) => printExchangeKeys(options.kind, output));

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof ConfigError || error instanceof RuleSetError || error instanceof UsageError) {
    output.err(error.message);
    process.exitCode = 2;
  } else if (error instanceof StartupRefusal) {
    // The database is held by the running service, missing, or corrupt: said in one line, EX_CONFIG.
    output.err(`vouchsafe: ${error.message}`);
    process.exitCode = 78;
  } else {
    throw error;
  }
}
