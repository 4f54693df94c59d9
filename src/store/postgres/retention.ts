import type { Port } from '../port.js';
import type { RetentionRepository } from '../retention.js';
import { notYetOnPostgres } from './not-yet.js';
import type { Queryable } from './sql.js';

// A slot for helper pg-checks, who replaces this file with the repository on PostgreSQL.
export function retentionRepository(_sql: Queryable): Port<RetentionRepository> {
  return notYetOnPostgres<Port<RetentionRepository>>('retention');
}
