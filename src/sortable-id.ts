const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

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
  // randomUUID draws from a pooled buffer of entropy; getRandomValues makes a system call each time.
  const hex = crypto.randomUUID().replace(/-/g, '');
  let tail = '';
  for (let i = 0; i < 16; i++) tail += ALPHABET[Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 32];
  return `${prefix}_${time}${tail}`;
}
