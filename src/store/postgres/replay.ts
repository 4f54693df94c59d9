import type { Port } from '../port.js';
import type { ReplayRepository } from '../replay.js';
import { notYetOnPostgres } from './not-yet.js';
import type { Queryable } from './sql.js';

// A slot for helper pg-checks, who replaces this file with the repository on PostgreSQL.
export function replayRepository(_sql: Queryable): Port<ReplayRepository> {
  return notYetOnPostgres<Port<ReplayRepository>>('replay');
}
