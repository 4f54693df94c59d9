import type { Database } from 'better-sqlite3';

export type MetaRepository = ReturnType<typeof metaRepository>;

/** Facts about the database itself (the identity secret's fingerprint), one value per key. */
export function metaRepository(db: Database) {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const set = db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const setIfAbsent = db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING');
  const anyCheck = db.prepare<[], { one: number }>('SELECT 1 AS one FROM checks LIMIT 1');
  return {
    get: (key: string): string | undefined => get.get(key)?.value,
    set: (key: string, value: string): void => void set.run(key, value),
    /** Sets the value unless one is there already; answers the value kept (the first writer's, if two race). */
    setIfAbsent(key: string, value: string): string {
      setIfAbsent.run(key, value);
      return get.get(key)!.value;
    },
    /** Whether anything was ever decided here: a database with checks is not a fresh install. */
    hasChecks: (): boolean => anyCheck.get() !== undefined,
  };
}
