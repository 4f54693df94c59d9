import type { Port } from '../port.js';
import type { ChecksRepository } from '../checks.js';
import { notYetOnPostgres } from './not-yet.js';
import type { Queryable } from './sql.js';

// A slot for helper pg-checks, who replaces this file with the repository on PostgreSQL.
export function checksRepository(_sql: Queryable): Port<ChecksRepository> {
  return notYetOnPostgres<Port<ChecksRepository>>('checks');
}
