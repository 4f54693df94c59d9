import type { MetaRepository } from '../meta.js';
import type { Port } from '../port.js';
import type { Queryable } from './sql.js';

/** Facts about the database itself (the identity secret's fingerprint), one value per key. */
export function metaRepository(sql: Queryable): Port<MetaRepository> {
  const get = async (key: string): Promise<string | undefined> => {
    const [row] = await sql<{ value: string }[]>`SELECT value FROM meta WHERE key = ${key}`;
    return row?.value;
  };
  return {
    get,
    async set(key, value) {
      await sql`INSERT INTO meta (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
    },
    /** Sets the value unless one is there already; answers the value kept (the first writer's, if two nodes race). */
    async setIfAbsent(key, value) {
      // Two statements, not one: the read must see a row another node committed while this insert waited for it.
      await sql`INSERT INTO meta (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO NOTHING`;
      return (await get(key))!;
    },
    async hasChecks() {
      return (await sql`SELECT 1 FROM checks LIMIT 1`).length > 0;
    },
  };
}
