import type { Port } from '../port.js';
import type { ReportsRepository } from '../reports.js';
import { notYetOnPostgres } from './not-yet.js';
import type { Queryable } from './sql.js';

// A slot for helper pg-reports, who replaces this file with the repository on PostgreSQL.
export function reportsRepository(_sql: Queryable): Port<ReportsRepository> {
  return notYetOnPostgres<Port<ReportsRepository>>('reports');
}
