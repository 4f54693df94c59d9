/** Node-only parts of the till SDK: a durable outbox on a SQLite file. */
export { sqliteOutbox } from './outbox/sqlite.js';
