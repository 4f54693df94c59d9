import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterEach } from 'vitest';
import { openSqliteStore, type Repositories, type Store } from '../../../src/store/index.js';
import { migratePostgres } from '../../../src/store/postgres/migrate.js';
import { postgresChecksRepository } from '../../../src/store/postgres/checks.js';
import { postgresHistoryRepository } from '../../../src/store/postgres/history.js';
import { postgresReplayRepository } from '../../../src/store/postgres/replay.js';
import { postgresRetentionRepository } from '../../../src/store/postgres/retention.js';
import { postgresRuleHitsRepository } from '../../../src/store/postgres/rule-hits.js';
import { freshPostgresUrl, postgresAvailable } from '../../helpers/postgres.js';

export type ContractStore = Pick<Store, 'checks' | 'history' | 'replay' | 'retention' | 'ruleHits' | 'transaction' | 'close'>;

const opened: ContractStore[] = [];
const directories: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function openSqlite(): Promise<ContractStore> {
  const directory = mkdtempSync(join(tmpdir(), 'vouchsafe-contract-'));
  directories.push(directory);
  return openSqliteStore(join(directory, 'vouchsafe.db'));
}

async function openPostgres(): Promise<ContractStore> {
  const sql = postgres(await freshPostgresUrl(), { max: 4, onnotice: () => {} });
  await migratePostgres(sql);
  const repositories = (on: postgres.ISql) => ({
    checks: postgresChecksRepository(on),
    history: postgresHistoryRepository(on),
    replay: postgresReplayRepository(on),
    retention: postgresRetentionRepository(on),
    ruleHits: postgresRuleHitsRepository(on),
  });
  return {
    ...repositories(sql),
    transaction: async (work) => (await sql.begin((tx: postgres.TransactionSql) => work(repositories(tx) as unknown as Repositories))) as never,
    close: () => sql.end(),
  };
}

/** Each adapter the store has, opened on an empty database of its own, closed after the test. */
export const adapters = [
  { name: 'SQLite', open: openSqlite },
  ...(postgresAvailable ? [{ name: 'PostgreSQL', open: openPostgres }] : []),
].map(({ name, open }) => ({
  name,
  open: async () => {
    const store = await open();
    opened.push(store);
    return store;
  },
}));
