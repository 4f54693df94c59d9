import type { Sql } from 'postgres';
import { DatabaseTooNewError } from '../migrations/index.js';
import { type PostgresMigration, postgresMigrations } from './migrations/index.js';
import type { Queryable } from './sql.js';

/**
 * The advisory lock the migration run holds ('vsmi' in ASCII): nodes started together take turns, and
 * the second finds the work done.
 */
const MIGRATION_LOCK = 0x76736d69;

const latest = (migrations: readonly PostgresMigration[]) => migrations.at(-1)?.version ?? 0;

/**
 * Brings the schema up to date, each migration in its own transaction, the whole run under a session
 * advisory lock so that two nodes starting at once migrate once. A database migrated by newer code is
 * refused: this code would misread it.
 */
export async function migratePostgres(sql: Sql, migrations: readonly PostgresMigration[] = postgresMigrations): Promise<void> {
  const connection = await sql.reserve();
  try {
    await connection`SELECT pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await connection`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`;
      const current = await currentVersion(connection);
      if (current > latest(migrations)) throw new DatabaseTooNewError(current, latest(migrations));
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        await connection`BEGIN`;
        try {
          await connection.unsafe(migration.sql).simple();
          await connection`INSERT INTO schema_migrations (version, name) VALUES (${migration.version}, ${migration.name})`;
          await connection`COMMIT`;
        } catch (error) {
          await connection`ROLLBACK`;
          throw error;
        }
      }
    } finally {
      await connection`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    connection.release();
  }
}

/** For readers that must not migrate: the schema must be exactly what this code knows. */
export async function assertPostgresSchemaCurrent(sql: Sql, migrations: readonly PostgresMigration[] = postgresMigrations): Promise<void> {
  const [table] = await sql<{ found: boolean }[]>`SELECT to_regclass('schema_migrations') IS NOT NULL AS found`;
  const current = table!.found ? await currentVersion(sql) : 0;
  if (current > latest(migrations)) throw new DatabaseTooNewError(current, latest(migrations));
  if (current < latest(migrations)) {
    throw new Error(`The database is at schema version ${current}; start the service once to migrate it to ${latest(migrations)}`);
  }
}

async function currentVersion(sql: Queryable): Promise<number> {
  const [row] = await sql<{ version: number | null }[]>`SELECT max(version) AS version FROM schema_migrations`;
  return row?.version ?? 0;
}
