import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyMode, Role } from '../contract/enums.js';
import type { KeyCreateRequest } from '../contract/keys.js';
import { DomainError } from '../errors.js';
import { newId } from '../sortable-id.js';
import type { ApiKeyRow, Repositories, Store } from '../store/index.js';
import type { Port } from '../store/index.js';
import type { KeysRepository } from '../store/keys.js';
import { recordEvent } from '../webhooks/events.js';

const KEY_PREFIX = 'vsk_';
/** Test keys say so at a glance, in logs and in a till's settings. */
const TEST_KEY_PREFIX = 'vsk_test_';

/** A new API key: `vsk_` (`vsk_test_` in test mode) and 32 random bytes. Only its SHA-256 is stored. */
export function generateApiKey(mode: KeyMode = 'live'): string {
  return (mode === 'test' ? TEST_KEY_PREFIX : KEY_PREFIX) + randomBytes(32).toString('base64url');
}

/** SHA-256 suffices: keys are 256 random bits, so there is nothing to brute-force that a slow hash would protect. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function displayPrefix(key: string): string {
  return key.slice(0, (key.startsWith(TEST_KEY_PREFIX) ? TEST_KEY_PREFIX : KEY_PREFIX).length + 6);
}

export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  /** false for a test-mode key: it works in the test world only (see mode-scope.ts), and its checks are in no figure. */
  readonly livemode: boolean;
  /** null: every store. */
  readonly storeIds: readonly string[] | null;
  /** Set for a till token: the key `keyId` minted it for this till (of its one store) only, until `expiresAt`. */
  readonly token?: { readonly tillId: string; readonly expiresAt: number };
}

export interface KeyResolver {
  /**
   * The principal behind a presented key, or undefined for an unknown or revoked key. With
   * `rememberUnknown: false` an unknown key is not kept in the memory of unknown keys (a throttled
   * client's guesses cost a look-up and nothing more).
   */
  resolve(presented: string, options?: { rememberUnknown?: boolean }): Promise<Principal | undefined>;
  /** The principal of an active key by its id (the key behind a till token), or undefined if it is unknown or revoked. */
  resolveId(keyId: string): Promise<Principal | undefined>;
  /** Drops a key from the cache at once (on revoke). */
  forget(keyId: string): void;
  /** Drops every cached key: a key changed on another node. */
  forgetAll(): void;
}

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

const toPrincipal = (row: ApiKeyRow): Principal => ({ keyId: row.id, name: row.name, role: row.role, livemode: row.mode === 'live', storeIds: row.storeIds });

/**
 * Looks keys up by their hash, confirms the stored hash in constant time, and caches the answer
 * briefly: a till sends a check per gift-card sale, and a database read per request adds up. Known
 * and unknown keys are remembered apart, so a spray of made-up keys fills only its own memory and
 * never pushes the tills' keys out.
 */
export function keyResolver(keys: Port<KeysRepository>, clock: () => number = Date.now): KeyResolver {
  const known = new Map<string, { principal: Principal; until: number }>();
  const unknown = new Map<string, number>();
  // Only ids from tokens that carry the service's own signature reach this: no one can fill it with made-up ids.
  const byId = new Map<string, { principal: Principal | undefined; until: number }>();
  const remember = <V>(cache: Map<string, V>, hash: string, value: V) => {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(hash, value);
  };
  return {
    async resolve(presented, { rememberUnknown = true } = {}) {
      if (presented.length < 32 || presented.length > 200) return undefined;
      const hash = hashApiKey(presented);
      const now = clock();
      const cached = known.get(hash);
      if (cached && cached.until > now) return cached.principal;
      if ((unknown.get(hash) ?? 0) > now) return undefined;
      const row = await keys.findBySecretHash(hash);
      const valid = row !== undefined && row.revokedAt === null && timingSafeEqual(Buffer.from(row.secretHash, 'hex'), Buffer.from(hash, 'hex'));
      if (!valid) {
        known.delete(hash);
        if (rememberUnknown) remember(unknown, hash, now + CACHE_TTL_MS);
        return undefined;
      }
      const principal = toPrincipal(row);
      unknown.delete(hash);
      remember(known, hash, { principal, until: now + CACHE_TTL_MS });
      return principal;
    },
    async resolveId(keyId) {
      const now = clock();
      const cached = byId.get(keyId);
      if (cached && cached.until > now) return cached.principal;
      const row = await keys.findById(keyId);
      const principal = row !== undefined && row.revokedAt === null ? toPrincipal(row) : undefined;
      remember(byId, keyId, { principal, until: now + CACHE_TTL_MS });
      return principal;
    },
    forget(keyId) {
      for (const [hash, entry] of known) if (entry.principal.keyId === keyId) known.delete(hash);
      byId.delete(keyId);
    },
    forgetAll() {
      known.clear();
      unknown.clear();
      byId.clear();
    },
  };
}

/**
 * The mode of a key an admin asks for. A test admin makes only test keys (a test key when it names no
 * mode); a live admin makes either, since someone has to hand out the first test keys.
 */
export function modeOfNewKey(principal: Principal, requested: KeyMode | undefined): KeyMode {
  if (principal.livemode) return requested ?? 'live';
  if (requested === 'live') throw new DomainError('live_key_required', 'A test admin key makes only test keys; ask a live admin for a live key');
  return 'test';
}

/**
 * Whether an admin key may see and revoke a key: a test admin only test keys, a live admin every key
 * (it made the test keys, and must be able to revoke one that leaked).
 */
export function canManageKey(principal: Principal, key: Pick<ApiKeyRow, 'mode'>): boolean {
  return principal.livemode || key.mode === 'test';
}

/** The keys an admin key may see (see `canManageKey`), active and revoked, in order of creation. */
export async function listApiKeys(keys: Port<KeysRepository>, principal: Principal): Promise<ApiKeyRow[]> {
  return (await keys.list()).filter((key) => canManageKey(principal, key));
}

/** Makes a key and records it in the audit log, in one transaction. The plain key is returned this once. */
export async function issueApiKey(
  store: Store,
  request: Omit<KeyCreateRequest, 'mode'> & { mode?: KeyMode },
  actor: string,
  now: number,
  key: string = generateApiKey(request.mode),
): Promise<{ row: ApiKeyRow; key: string }> {
  const row = keyRow(request, actor, now, key);
  await store.transaction((tx) => record(tx, row, actor, now));
  return { row, key };
}

/**
 * Makes the first admin key from `key` (VOUCHSAFE_ADMIN_KEY), unless an admin key exists already or
 * `key` is one: the row made, or undefined. One transaction, so that nodes starting together on a new
 * database make it once: the second's insert collides with the first's on the key's hash, and its
 * transaction runs again (as every collision does) and finds the key there.
 */
export async function issueFirstAdminKey(store: Store, key: string, now: number): Promise<ApiKeyRow | undefined> {
  const row = keyRow({ role: 'admin', name: 'Bootstrap admin (VOUCHSAFE_ADMIN_KEY)' }, 'bootstrap', now, key);
  const needed = async (keys: Pick<Store['keys'], 'activeAdminCount' | 'findBySecretHash'>) =>
    (await keys.activeAdminCount()) === 0 && !(await keys.findBySecretHash(row.secretHash));
  // Asked first outside a transaction: nearly every start finds the key, and takes no write lock for it.
  if (!(await needed(store.keys))) return undefined;
  return store.transaction(async (tx) => {
    if (!(await needed(tx.keys))) return undefined;
    await record(tx, row, 'bootstrap', now);
    return row;
  });
}

function keyRow(request: Omit<KeyCreateRequest, 'mode'> & { mode?: KeyMode }, actor: string, now: number, key: string): ApiKeyRow {
  return {
    id: newId('key', now),
    name: request.name,
    role: request.role,
    mode: request.mode ?? 'live',
    storeIds: request.storeIds ?? null,
    secretHash: hashApiKey(key),
    prefix: displayPrefix(key),
    createdAt: now,
    createdBy: actor,
    revokedAt: null,
  };
}

async function record(tx: Repositories, row: ApiKeyRow, actor: string, now: number): Promise<void> {
  await tx.keys.insert(row);
  await tx.audit.append({ at: now, actor, action: 'key.created', subject: row.id, detail: { name: row.name, role: row.role, mode: row.mode, storeIds: row.storeIds } });
}

/**
 * Revokes a key and audits it; revoking a revoked key changes nothing. The last active live admin key
 * cannot be revoked, so the service is never locked out (a test admin cannot make live keys).
 */
export async function revokeApiKey(store: Store, resolver: KeyResolver, actor: Principal, keyId: string, now: number): Promise<ApiKeyRow> {
  const row = await store.transaction(async (tx) => {
    const key = await tx.keys.findById(keyId);
    // A live key is missing to a test admin, so its existence does not leak.
    if (!key || !canManageKey(actor, key)) throw new DomainError('not_found', `No key ${keyId}`);
    if (key.revokedAt !== null) return key;
    if (key.role === 'admin' && key.mode === 'live' && (await tx.keys.activeAdminCount()) <= 1) {
      throw new DomainError('conflict', 'This is the last active live admin key; make another live admin key first');
    }
    await tx.keys.revoke(keyId, now);
    await tx.audit.append({ at: now, actor: actor.keyId, action: 'key.revoked', subject: keyId, detail: { name: key.name, role: key.role } });
    // A test key's revocation is a test event: live receivers hear of live keys only.
    await recordEvent(tx, 'key.revoked', { keyId, role: key.role, storeIds: key.storeIds, by: actor.keyId }, now, { livemode: key.mode === 'live' });
    return { ...key, revokedAt: now };
  });
  resolver.forget(keyId);
  // Every other node drops its cached copy of the key too.
  await store.notify('keys');
  return row;
}
