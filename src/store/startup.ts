import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The service will not start on this database as it stands, and guessing would lose or split data:
 * one line for the operator, and the process exits 78 (EX_CONFIG). Never a silent fresh start.
 */
export class StartupRefusal extends Error {
  override name = 'StartupRefusal';
}

/** Held for as long as the store is open: a second process on the same database file is refused. */
export function lockPathFor(databasePath: string): string {
  return `${databasePath}.lock`;
}

const nonEmpty = (path: string) => existsSync(path) && statSync(path).size > 0;

/**
 * What says a database was here before: its write-ahead log, its lock file (made on first start and
 * never removed) or the identity secret beside it. With any of these and no database, the database
 * was deleted or truncated, not never made.
 */
export function assertNotLostDatabase(path: string, evidence: readonly string[]): void {
  if (nonEmpty(path)) return;
  const found = [`${path}-wal`, lockPathFor(path), ...evidence].filter(existsSync);
  if (found.length === 0) return;
  throw new StartupRefusal(
    `the database ${path} is ${existsSync(path) ? 'empty' : 'missing'} but ${found.join(', ')} ${found.length === 1 ? 'is' : 'are'} beside it: restore the database from its backup, or move those aside to start a new, empty one`,
  );
}

/** Makes the database's directory, or says in one line why it cannot. */
export function ensureDirectory(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new StartupRefusal(`cannot make the directory for ${path}: ${(error as Error).message}`);
  }
}

/** The database's process lock is held by another process: a running service, most likely. */
export class ProcessLockHeld extends StartupRefusal {}

/**
 * Takes the database's process lock: an exclusive SQLite lock on `<db>.lock`, which the kernel
 * releases when the process ends however it ends (kill -9 included), so a stale lock never blocks a
 * restart. A second service, or a CLI command that writes, on the same file is refused rather than
 * left to fight over locks and stale caches.
 */
export function takeProcessLock(databasePath: string): () => void {
  const path = lockPathFor(databasePath);
  let lock: Database.Database | undefined;
  try {
    lock = new Database(path, { timeout: 0 });
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since INTEGER NOT NULL); DELETE FROM holder;');
    lock.prepare('INSERT INTO holder (pid, since) VALUES (?, ?)').run(process.pid, Date.now());
    lock.exec('COMMIT');
  } catch (error) {
    lock?.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new ProcessLockHeld(`another Vouchsafe process has ${databasePath} open (its lock ${path} is held): stop it first, or use its API`);
    }
    throw new StartupRefusal(`cannot lock ${databasePath} (${path}): ${(error as Error).message}`);
  }
  const held = lock;
  return () => held.close();
}

/** An SQLite error while opening, said in one line: corrupt, not a database, read-only or unreachable. */
export function openFailure(path: string, error: unknown): StartupRefusal {
  if (error instanceof StartupRefusal) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StartupRefusal(`the database ${path} is corrupt (${message}): restore it from its backup`);
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return new StartupRefusal(`cannot write the database ${path} (${message}): check the file and its directory are writable by this user`);
  }
  return new StartupRefusal(`cannot open the database ${path}: ${message}`);
}

/** SQLite's own integrity check of every page's structure (not the cross-checks of indexes against rows): corruption stops the start. */
export function assertIntact(db: Database.Database, path: string): void {
  const problems = (db.pragma('quick_check(5)') as Array<{ quick_check: string }>).map((row) => row.quick_check);
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw new StartupRefusal(`the database ${path} is corrupt (quick_check: ${problems.join('; ').slice(0, 300)}): restore it from its backup`);
}
