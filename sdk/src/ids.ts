const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A sortable id, laid out like the service's (`chk_…`): 10 characters of millisecond time, 16 of
 * randomness. `local_…` names a check only this till has seen; `obx_…` an outbox entry.
 */
export function localId(prefix: 'local' | 'obx', now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  let tail = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(16))) tail += ALPHABET[byte % 32];
  return `${prefix}_${time}${tail}`;
}
