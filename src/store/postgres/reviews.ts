import type { Port } from '../port.js';
import type { ReviewsRepository } from '../reviews.js';
import { notYetOnPostgres } from './not-yet.js';
import type { Queryable } from './sql.js';

// A slot for helper pg-reports, who replaces this file with the repository on PostgreSQL.
export function reviewsRepository(_sql: Queryable): Port<ReviewsRepository> {
  return notYetOnPostgres<Port<ReviewsRepository>>('reviews');
}
