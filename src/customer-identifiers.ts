import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

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

/** Reads the identity secret, making one (mode 0600) on first start. */
export function loadOrCreateIdSecret(databasePath: string): string {
  const path = secretPathFor(databasePath);
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length < 32) throw new Error(`${path} holds a secret shorter than 32 characters`);
    return secret;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return secret;
}
