import type { Port } from '../port.js';
import type { WebhooksRepository } from '../webhooks.js';
import { notYetOnPostgres } from './not-yet.js';
import type { Queryable } from './sql.js';

// A slot for helper pg-reports, who replaces this file with the repository on PostgreSQL.
export function webhooksRepository(_sql: Queryable): Port<WebhooksRepository> {
  return notYetOnPostgres<Port<WebhooksRepository>>('webhooks');
}
