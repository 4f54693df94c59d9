const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Random bytes for 256 ids at a time: getRandomValues makes a system call each time it is asked. */
const pool = new Uint8Array(4096);
let used = pool.length;

/**
 * Sortable ids: 10 characters of millisecond time then 16 of randomness (ULID's layout, lower case),
 * behind a prefix that says what the id names (`chk_`, `key_`, `whk_` for a webhook, `evt_` for an
 * event, `dlv_` for its delivery to one webhook, `card_` for a card sold, `cas_` for a case,
 * `rpt_` and `esc_` for a report and an escalation on one, `ala_` for an area alert).
 */
export function newId(prefix: 'chk' | 'key' | 'whk' | 'evt' | 'dlv' | 'card' | 'cas' | 'rpt' | 'esc' | 'ala', now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  // A byte modulo 32 is uniform (256 is a multiple of 32): 16 characters carry 80 bits.
  if (used + 16 > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  let tail = '';
  for (let i = 0; i < 16; i++) tail += ALPHABET[pool[used + i]! % 32];
  used += 16;
  return `${prefix}_${time}${tail}`;
}
