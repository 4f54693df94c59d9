import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describeLocation, type Store, StartupRefusal } from './store/index.js';

/**
 * Keyed hashes of customer identifiers. The secret lives outside the database, so a copy of the
 * database alone cannot be used to test guesses of loyalty numbers.
 */
export interface IdentityHasher {
  /** HMAC of a loyalty id or payment token; the kind is mixed in so the two never collide. */
  identity(kind: 'loyalty' | 'payment', value: string): string;
  /** HMAC of a whole request, to tell a retry from a changed basket without keeping raw identifiers. */
  fingerprint(canonicalJson: string): string;
}

export function createIdentityHasher(secret: string): IdentityHasher {
  const mac = (text: string) => createHmac('sha256', secret).update(text).digest('base64url');
  return {
    identity: (kind, value) => mac(`${kind}:${value.trim()}`),
    fingerprint: (canonicalJson) => mac(`request:${canonicalJson}`),
  };
}

/** The secret file's path: beside the database, never inside it. */
export function secretPathFor(databasePath: string): string {
  return `${databasePath}.id-secret`;
}

/** Reads the identity secret file, making one (mode 0600) only when `mayCreate`. */
function readOrCreateSecretFile(databasePath: string, mayCreate: boolean): string {
  const path = secretPathFor(databasePath);
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length < 32) throw new StartupRefusal(`${path} holds a secret shorter than 32 characters`);
    return secret;
  }
  if (!mayCreate) {
    throw new StartupRefusal(
      `the identity secret ${path} is missing but the database already holds checks linked with it: restore the file (or set VOUCHSAFE_ID_SECRET) from your backup`,
    );
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return secret;
}

/** The secret file's secret, made on first use: for tools that build a database of their own (the benchmarks' fixtures). */
export function loadOrCreateIdSecret(databasePath: string): string {
  return readOrCreateSecretFile(databasePath, true);
}

const FINGERPRINT_KEY = 'id_secret_fingerprint';

/** A one-way mark of the secret, kept in the database: enough to know a different secret, nothing to test guesses with. */
const fingerprintOf = (secret: string) => createHmac('sha256', secret).update('vouchsafe:id-secret-fingerprint').digest('base64url').slice(0, 22);

/**
 * The identity secret, checked against the fingerprint the database keeps of it. A missing secret
 * file beside a database that has checks, or a secret that is not the one the database was written
 * with, stops the start: a new secret would silently unlink every customer's history and turn every
 * retry into a new check.
 */
export async function loadIdSecret(store: Store, databasePath: string, configured: string | undefined): Promise<string> {
  if (store.kind === 'postgres' && configured === undefined) {
    // A file beside each node would give each node its own secret, and customers a history per node.
    throw new StartupRefusal('VOUCHSAFE_ID_SECRET must be set on every node that shares a PostgreSQL database, the same value on each');
  }
  let recorded = await store.meta.get(FINGERPRINT_KEY);
  const secret = configured ?? readOrCreateSecretFile(databasePath, recorded === undefined && !(await store.meta.hasChecks()));
  const fingerprint = fingerprintOf(secret);
  // Two nodes starting at once on a new database: the first fingerprint written is the one kept.
  if (recorded === undefined) recorded = await store.transaction((tx) => tx.meta.setIfAbsent(FINGERPRINT_KEY, fingerprint));
  if (recorded !== fingerprint) {
    throw new StartupRefusal(
      `the identity secret (${configured ? 'VOUCHSAFE_ID_SECRET' : secretPathFor(databasePath)}) is not the one ${describeLocation(databasePath)} was written with: restore the right secret from your backup`,
    );
  }
  return secret;
}
