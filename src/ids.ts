const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Sortable ids: 10 characters of millisecond time then 16 of randomness (ULID's layout, lower case),
 * behind a prefix that says what the id names (`chk_`, `key_`).
 */
export function newId(prefix: 'chk' | 'key', now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const random = crypto.getRandomValues(new Uint8Array(16));
  let tail = '';
  for (const byte of random) tail += ALPHABET[byte % 32];
  return `${prefix}_${time}${tail}`;
}
