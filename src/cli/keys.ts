import { issueApiKey } from '../access/api-keys.js';
import { KeyCreateRequest } from '../contract/keys.js';
import { openStore } from '../store/index.js';
import type { Output } from './rules.js';

/** `keys create`: a key straight into the database (the way to make the first admin key without VOUCHSAFE_ADMIN_KEY), whether or not the service is running. */
export async function createKey(options: { db: string; role: string; name: string; store?: string[] | undefined; json: boolean }, output: Output): Promise<number> {
  const parsed = KeyCreateRequest.safeParse({ role: options.role, name: options.name, ...(options.store?.length ? { storeIds: options.store } : {}) });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) output.err(`${issue.path.join('.') || 'key'}: ${issue.message}`);
    return 1;
  }
  // Beside a running service if there is one: this is how the first admin key is made while it runs.
  const store = await openStore(options.db, { besideService: true });
  try {
    const { row, key } = await issueApiKey(store, parsed.data, 'cli', Date.now());
    if (options.json) {
      output.out(JSON.stringify({ id: row.id, role: row.role, name: row.name, storeIds: row.storeIds, key }, null, 2));
    } else {
      output.out(`Made ${row.role} key ${row.id} (${row.name})${row.storeIds ? ` for ${row.storeIds.join(', ')}` : ''}.`);
      output.out(`Key (shown this once; only its hash is kept):\n${key}`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
