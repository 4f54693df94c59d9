import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { StoreId } from '../contract/common.js';
import { StoreInput } from '../contract/stores.js';
import { DomainError, invalidField } from '../errors.js';
import type { Logger } from '../log.js';
import type { ActiveRuleSet } from '../rule-sets/active.js';
import type { Repositories, Store, StoreRow } from '../store/index.js';

/** How stale a node's copy of the registry may get when a change notification is missed. */
const RESYNC_MS = 30_000;
/** Store ids remembered as warned about: a bound on what a till sending made-up ids can fill. */
const MOST_UNKNOWN_REMEMBERED = 10_000;

/**
 * The registry of stores as each node holds it: read on every check (its time zone and language), so
 * kept in memory, refreshed when any node changes a store (`stores` event) and at least every 30 s.
 */
export interface StoreRegistry {
  /** The store's record, or undefined for a store id the registry does not have. */
  get(storeId: string): StoreRow | undefined;
  list(): readonly StoreRow[];
  refresh(): Promise<void>;
  /**
   * A till sent a check for `storeId`: if the registry lacks it, warns in the log and notes it for
   * the dashboard, once per store per process — the check is decided all the same.
   */
  noteCheck(storeId: string): void;
}

export async function loadStoreRegistry(store: Store, logger: Logger, clock: () => number): Promise<StoreRegistry> {
  let byId = new Map<string, StoreRow>();
  let loadedAt = 0;
  let refreshing: Promise<void> | undefined;
  const warned = new Set<string>();
  const refresh = () => {
    refreshing ??= store.stores
      .list()
      .then((rows) => {
        byId = new Map(rows.map((row) => [row.id, row]));
        loadedAt = clock();
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };
  await refresh();
  const resyncIfStale = () => {
    if (clock() - loadedAt > RESYNC_MS && !refreshing) {
      refresh().catch((error: unknown) => logger.error('reading the stores failed', { error: error instanceof Error ? error.message : String(error) }));
    }
  };
  return {
    get(storeId) {
      resyncIfStale();
      return byId.get(storeId);
    },
    list: () => [...byId.values()],
    refresh,
    noteCheck(storeId) {
      if (byId.has(storeId) || warned.has(storeId)) return;
      if (warned.size >= MOST_UNKNOWN_REMEMBERED) warned.clear();
      warned.add(storeId);
      logger.warn('check for a store the registry does not have; decided with the service defaults and no area alerts', { storeId });
      store.stores.noteUnknown(storeId, clock()).catch((error: unknown) => {
        logger.error('noting an unknown store failed', { storeId, error: error instanceof Error ? error.message : String(error) });
      });
    },
  };
}

export interface StoresContext {
  readonly store: Store;
  readonly rules: ActiveRuleSet;
  readonly registry: StoreRegistry;
  readonly clock: () => number;
}

/** A store's language must be one the rule set speaks exactly: a store is set up once, so no guessing. */
function assertLocaleKnown(rules: ActiveRuleSet, locale: string, field: string): string {
  const known = [...rules.current.locales.keys()];
  const match = known.find((candidate) => candidate.toLowerCase() === locale.toLowerCase());
  if (!match) throw invalidField(field, 'unknown_locale', `The rule set has no prompts in ${locale}; it has ${known.join(', ')}`);
  return match;
}

const toRow = (id: string, input: StoreInput, source: StoreRow['source'], createdAt: number, now: number, locale: string): StoreRow => ({
  id,
  name: input.name,
  timeZone: input.timeZone,
  locale,
  currency: input.currency,
  location: input.location ? { lat: input.location.lat, lon: input.location.lon, district: input.location.district ?? null } : null,
  source,
  createdAt,
  updatedAt: now,
});

const sameStore = (a: StoreRow, b: StoreRow) =>
  JSON.stringify({ ...a, createdAt: 0, updatedAt: 0 }) === JSON.stringify({ ...b, createdAt: 0, updatedAt: 0 });

async function putIn(tx: Repositories, row: StoreRow, actor: string, now: number): Promise<{ row: StoreRow; created: boolean; changed: boolean }> {
  const existing = await tx.stores.find(row.id);
  const stored = existing ? { ...row, createdAt: existing.createdAt } : row;
  if (existing && sameStore(existing, stored)) return { row: existing, created: false, changed: false };
  await tx.stores.put(stored);
  const { createdAt: _createdAt, updatedAt: _updatedAt, id: _id, ...detail } = stored;
  await tx.audit.append({ at: now, actor, action: existing ? 'store.updated' : 'store.created', subject: row.id, detail });
  return { row: stored, created: !existing, changed: true };
}

/** Makes the store `id`, or replaces it: recorded in the audit log (only when something changed), heard by every node. */
export async function putStore(context: StoresContext, actor: string, id: string, input: StoreInput): Promise<{ row: StoreRow; created: boolean }> {
  const locale = assertLocaleKnown(context.rules, input.locale, 'locale');
  const now = context.clock();
  const result = await context.store.transaction((tx) => putIn(tx, toRow(id, input, 'api', now, now, locale), actor, now));
  if (result.changed) await changed(context);
  return result;
}

/** Takes the store out of the registry (its checks stay, and its id is an unknown store again). Audited. */
export async function deleteStore(context: StoresContext, actor: string, id: string): Promise<StoreRow> {
  const now = context.clock();
  const row = await context.store.transaction(async (tx) => {
    const existing = await tx.stores.find(id);
    if (!existing) throw new DomainError('not_found', `No store ${id}`);
    await tx.stores.remove(id);
    await tx.audit.append({ at: now, actor, action: 'store.deleted', subject: id, detail: { name: existing.name } });
    return existing;
  });
  await changed(context);
  return row;
}

async function changed(context: StoresContext): Promise<void> {
  await context.registry.refresh();
  await context.store.notify('stores');
}

/** The stores file: `stores:` mapping each store id to the same fields the API takes. */
const StoresFile = z.strictObject({ stores: z.record(StoreId, StoreInput) });

export class StoresFileError extends Error {
  override name = 'StoresFileError';
}

/**
 * Puts every store in the file (VOUCHSAFE_STORES_FILE) into the registry as the file says, at start:
 * a store the file names is the file's, and a change made to it through the API lasts until the next
 * start. Stores the file does not name are left alone. Audited as `stores-file`, only where something
 * changed, so restarting with the same file records nothing.
 */
export async function applyStoresFile(context: StoresContext, path: string): Promise<{ stores: number; changed: number }> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new StoresFileError(`The stores file ${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = StoresFile.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new StoresFileError(`The stores file ${path} is not valid at ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const now = context.clock();
  const rows = Object.entries(result.data.stores).map(([id, input]) => {
    try {
      return toRow(id, input, 'file', now, now, assertLocaleKnown(context.rules, input.locale, `stores.${id}.locale`));
    } catch (error) {
      throw new StoresFileError(`The stores file ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const outcomes = await context.store.transaction(async (tx) => {
    const done = [];
    for (const row of rows) done.push(await putIn(tx, row, 'stores-file', now));
    return done;
  });
  const count = outcomes.filter((outcome) => outcome.changed).length;
  if (count > 0) await changed(context);
  return { stores: rows.length, changed: count };
}
