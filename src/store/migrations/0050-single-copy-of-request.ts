import type { Database } from 'better-sqlite3';

/** A check's request lives on its evaluations; the copy on the check itself was written on every decision and never read. */
export function up(db: Database): void {
  db.exec('ALTER TABLE checks DROP COLUMN request;');
}
