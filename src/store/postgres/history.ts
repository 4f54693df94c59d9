import type { Port } from '../port.js';
import type { HistoryRepository } from '../history.js';
import { notYetOnPostgres } from './not-yet.js';
import type { Queryable } from './sql.js';

// A slot for helper pg-checks, who replaces this file with the repository on PostgreSQL.
export function historyRepository(_sql: Queryable): Port<HistoryRepository> {
  return notYetOnPostgres<Port<HistoryRepository>>('history');
}
