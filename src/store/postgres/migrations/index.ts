import { sql as initial } from './0001-initial.js';
import { sql as webhookRequestId } from './0002-webhook-request-id.js';
import { sql as webhookLeases } from './0003-webhook-leases.js';
import { sql as reviewsPerHold } from './0005-reviews-per-hold.js';
import { sql as separateWorlds } from './0004-separate-worlds.js';
import { sql as webhookProbes } from './0006-webhook-probes.js';
import { sql as cases } from './0007-cases.js';
import { sql as cardsSold } from './0008-cards-sold.js';
import { sql as storesAndAreaAlerts } from './0009-stores-and-area-alerts.js';
import { sql as exchangeSignal } from './0010-exchange-signal.js';
import { sql as brandFamily } from './0011-brand-family.js';
import { sql as historyCoveringIndex } from './0013-history-covering-index.js';
import { sql as exchangeAreaAlerts } from './0014-exchange-area-alerts.js';

export interface PostgresMigration {
  /** Numbered on their own, apart from SQLite's: PostgreSQL started at the schema SQLite had reached. */
  readonly version: number;
  readonly name: string;
  /** One or more statements, run together in one transaction. */
  readonly sql: string;
}

export const postgresMigrations: readonly PostgresMigration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'webhook-request-id', sql: webhookRequestId },
  { version: 3, name: 'webhook-leases', sql: webhookLeases },
  { version: 4, name: 'separate-worlds', sql: separateWorlds },
  { version: 5, name: 'reviews-per-hold', sql: reviewsPerHold },
  { version: 6, name: 'webhook-probes', sql: webhookProbes },
  { version: 7, name: 'cases', sql: cases },
  { version: 8, name: 'cards-sold', sql: cardsSold },
  { version: 9, name: 'stores-and-area-alerts', sql: storesAndAreaAlerts },
  { version: 10, name: 'exchange-signal', sql: exchangeSignal },
  { version: 11, name: 'brand-family', sql: brandFamily },
  { version: 13, name: 'history-covering-index', sql: historyCoveringIndex },
  { version: 14, name: 'exchange-area-alerts', sql: exchangeAreaAlerts },
];
