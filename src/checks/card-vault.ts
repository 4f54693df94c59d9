import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** What is sealed of a card: what finds it at the processor. Never its PIN or code, which the contract refuses. */
export interface CardSecrets {
  serial?: string;
  activationId?: string;
}

/** The card keys: 32 bytes each; `current` seals, the retired ones only open what they sealed (rotation). */
export interface CardKeys {
  readonly current: Buffer;
  readonly retired: readonly Buffer[];
}

/**
 * Seals and opens card serials: AES-256-GCM with a fresh 96-bit nonce per card and the check id as
 * associated data, so a sealed serial copied onto another check's row does not open. A sealed value
 * names the key that sealed it (`v1.<key id>.<nonce>.<ciphertext and tag>`, the key id the first 8
 * hex digits of the key's SHA-256), so after a rotation the old key, kept as retired, still opens
 * what it sealed until the retention purge has emptied it.
 */
export interface CardVault {
  /** Whether the service keeps the cards sold (VOUCHSAFE_CARD_CAPTURE): without it an outcome with cards is refused. */
  readonly capture: boolean;
  /** How long a card's serial and activation id are kept before the purge empties them. */
  readonly retentionMs: number;
  seal(checkId: string, secrets: CardSecrets): string;
  /** The secrets, or undefined if no key configured here sealed them (the key was dropped). */
  open(checkId: string, sealed: string): CardSecrets | undefined;
}

/** 90 days: long enough for a scam reported weeks later to reach the processor, short enough that a store of serials is not kept for ever. */
export const DEFAULT_CARD_RETENTION_MS = 90 * 24 * 60 * 60_000;

const VERSION = 'v1';

export const cardKeyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

export function cardVault(options: { capture: boolean; keys?: CardKeys | undefined; retentionMs?: number | undefined }): CardVault {
  const { keys } = options;
  if (options.capture && !keys) throw new Error('Card capture needs a card key (VOUCHSAFE_CARD_KEY)');
  const byId = new Map<string, Buffer>();
  for (const key of keys ? [...keys.retired, keys.current] : []) {
    if (key.length !== 32) throw new Error('A card key is 32 bytes');
    byId.set(cardKeyId(key), key);
  }
  return {
    capture: options.capture,
    retentionMs: options.retentionMs ?? DEFAULT_CARD_RETENTION_MS,
    seal(checkId, secrets) {
      if (!keys) throw new Error('No card key to seal with');
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys.current, nonce);
      cipher.setAAD(Buffer.from(checkId, 'utf8'));
      const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [VERSION, cardKeyId(keys.current), nonce.toString('base64url'), body.toString('base64url')].join('.');
    },
    open(checkId, sealed) {
      const [version, keyId, nonce, body] = sealed.split('.');
      const key = byId.get(keyId ?? '');
      if (version !== VERSION || !key || !nonce || !body) return undefined;
      const bytes = Buffer.from(body, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(checkId, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      const plain = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as CardSecrets;
    },
  };
}
