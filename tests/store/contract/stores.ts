import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type OpenOptions, openStore, type Store } from '../../../src/store/index.js';
import { freshPostgresUrl, postgresAvailable } from '../../helpers/postgres.js';

const opened: Store[] = [];
const directories: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const sqliteFile = async () => {
  const directory = mkdtempSync(join(tmpdir(), 'vouchsafe-contract-'));
  directories.push(directory);
  return join(directory, 'vouchsafe.db');
};

/** Each adapter the store has, opened on an empty database of its own, closed after the test. */
export const adapters = [
  { name: 'SQLite', location: sqliteFile },
  ...(postgresAvailable ? [{ name: 'PostgreSQL', location: freshPostgresUrl }] : []),
].map(({ name, location }) => ({
  name,
  open: async (options?: OpenOptions) => {
    const store = await openStore(await location(), options);
    opened.push(store);
    return store;
  },
}));

export type ContractStore = Store;
