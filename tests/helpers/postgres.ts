import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';

/**
 * The run's PostgreSQL server (see tests/setup/postgres.global.ts), or null: use it as
 * `describe.skipIf(!postgresAvailable)` for tests that need one.
 */
export const postgresServerUrl: string | null = inject('postgresUrl');
export const postgresAvailable = postgresServerUrl !== null;

/** A new, empty database on the run's server, for one test: its URL. */
export async function freshPostgresUrl(): Promise<string> {
  if (postgresServerUrl === null) throw new Error('no PostgreSQL server in this run (see the notice at the start of the run)');
  const name = `${inject('postgresDatabasePrefix')}${randomBytes(6).toString('hex')}`;
  const admin = postgres(postgresServerUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`CREATE DATABASE ${admin(name)}`;
  } finally {
    await admin.end();
  }
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
