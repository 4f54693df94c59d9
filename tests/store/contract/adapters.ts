import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe } from 'vitest';
import { type OpenOptions, openStore, type Store } from '../../../src/store/index.js';
import { freshPostgresUrl, postgresAvailable } from '../../helpers/postgres.js';

/**
 * The store contract: what every adapter must do alike, tested through the port (`Store`) only.
 *
 * To add to it, write `tests/store/contract/<subject>.test.ts`:
 *
 *     describeStores('checks', (adapter) => {
 *       it('reads back what it wrote', async () => {
 *         const { store } = await adapter.fresh();
 *         ...
 *       });
 *     });
 *
 * and the tests run once on SQLite (a temporary file) and once on PostgreSQL (a database of their
 * own), or say they are skipped when the run has no PostgreSQL server. What only one adapter can do
 * (several nodes on one database) goes in `describeStores(title, tests, { only: 'postgres' })`.
 */
export interface Adapter {
  readonly kind: Store['kind'];
  /** A new, empty database and a store opened on it, closed after the test. */
  fresh(options?: OpenOptions): Promise<{ store: Store; location: string }>;
  /** Another store on `location`, closed after the test: another node, on PostgreSQL. */
  open(location: string, options?: OpenOptions): Promise<Store>;
  /** A new, empty database, nothing opened on it. */
  freshLocation(): Promise<string>;
}

interface AdapterKind {
  readonly kind: Store['kind'];
  readonly available: boolean;
  freshLocation(directory: () => string): Promise<string>;
}

const KINDS: readonly AdapterKind[] = [
  { kind: 'sqlite', available: true, freshLocation: async (directory) => join(directory(), `${Math.random().toString(36).slice(2)}.db`) },
  { kind: 'postgres', available: postgresAvailable, freshLocation: () => freshPostgresUrl() },
];

/** Runs `tests` once per adapter (or on those in `only`), each in a describe block named for it. */
export function describeStores(title: string, tests: (adapter: Adapter) => void, { only }: { only?: Store['kind'] } = {}): void {
  for (const kind of KINDS.filter((candidate) => only === undefined || candidate.kind === only)) {
    describe.skipIf(!kind.available)(`${title} (${kind.kind})`, () => {
      let temporary: string | undefined;
      const directory = () => (temporary ??= mkdtempSync(join(tmpdir(), 'vouchsafe-contract-')));
      const opened: Store[] = [];
      afterEach(async () => {
        await Promise.all(opened.splice(0).map((store) => store.close()));
      });
      afterAll(() => {
        if (temporary) rmSync(temporary, { recursive: true, force: true });
      });
      const open = async (location: string, options?: OpenOptions) => {
        const store = await openStore(location, options);
        opened.push(store);
        return store;
      };
      const freshLocation = () => kind.freshLocation(directory);
      tests({
        kind: kind.kind,
        freshLocation,
        open,
        async fresh(options) {
          const location = await freshLocation();
          return { store: await open(location, options), location };
        },
      });
    });
  }
}
