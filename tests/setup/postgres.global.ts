import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { findPostgresBinaries, startTestServer, type TestServer } from '../helpers/postgres-server.js';

/**
 * One PostgreSQL server for the whole run, started before any test file: the server named by
 * VOUCHSAFE_TEST_DATABASE_URL, or a throwaway one made from the installed binaries. Tests reach it
 * through tests/helpers/postgres.ts; with neither, the PostgreSQL tests are skipped and this says why.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Each run's databases share a prefix, so a run against a shared server drops only its own.
  const prefix = `vouchsafe_test_${randomBytes(4).toString('hex')}_`;
  project.provide('postgresDatabasePrefix', prefix);
  const given = process.env.VOUCHSAFE_TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return () => dropDatabases(given, prefix);
  }
  const bin = findPostgresBinaries();
  if (!bin) {
    project.provide('postgresUrl', null);
    console.warn('PostgreSQL tests skipped: VOUCHSAFE_TEST_DATABASE_URL is not set and no initdb was found (apt-get install postgresql).');
    return async () => {};
  }
  let server: TestServer;
  try {
    server = await startTestServer(bin);
  } catch (error) {
    project.provide('postgresUrl', null);
    console.warn(`PostgreSQL tests skipped: the test server in ${bin} did not start: ${(error as Error).message}`);
    return async () => {};
  }
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}

async function dropDatabases(url: string, prefix: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ datname: string }[]>`SELECT datname FROM pg_database WHERE starts_with(datname, ${prefix})`;
    for (const { datname } of rows) await sql`DROP DATABASE IF EXISTS ${sql(datname)} WITH (FORCE)`;
  } finally {
    await sql.end();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The admin URL of the run's PostgreSQL server, or null when there is none. */
    postgresUrl: string | null;
    postgresDatabasePrefix: string;
  }
}
