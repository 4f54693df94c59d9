import type { Port } from '../port.js';
import type { RuleHitsRepository } from '../rule-hits.js';
import { notYetOnPostgres } from './not-yet.js';
import type { Queryable } from './sql.js';

// A slot for helper pg-checks, who replaces this file with the repository on PostgreSQL.
export function ruleHitsRepository(_sql: Queryable): Port<RuleHitsRepository> {
  return notYetOnPostgres<Port<RuleHitsRepository>>('ruleHits');
}
