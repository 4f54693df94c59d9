import { sql as initial } from './0001-initial.js';
import { sql as separateWorlds } from './0002-separate-worlds.js';

export interface PostgresMigration {
  /** Numbered on their own, apart from SQLite's: PostgreSQL started at the schema SQLite had reached. */
  readonly version: number;
  readonly name: string;
  /** One or more statements, run together in one transaction. */
  readonly sql: string;
}

export const postgresMigrations: readonly PostgresMigration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'separate-worlds', sql: separateWorlds },
];
