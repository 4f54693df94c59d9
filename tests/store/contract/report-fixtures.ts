import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { openSqliteStore, type Repositories } from '../../../src/store/index.js';
import { openPostgresStore } from '../../../src/store/postgres/index.js';
import { connect, json, type Queryable } from '../../../src/store/postgres/sql.js';
import { freshPostgresUrl } from '../../helpers/postgres.js';

/** A check as the fixtures write it: what reports, reviews and exports read of one. */
export interface SeedCheck {
  id: string;
  storeId: string;
  tillId: string;
  transactionId: string;
  lane: 'staffed' | 'self_checkout' | 'online';
  ageBand: string;
  currency: string;
  occurredAt: number;
  receivedAt: number;
  basketTotal: number;
  storedValue: number;
  storedValueUnits: number;
  tender: string;
  action: 'allow' | 'prompt' | 'hold' | 'refuse';
  score: number;
  warned: boolean;
  revision: number;
  ruleSetVersion: string;
  promptId: string | null;
  livemode: boolean;
  outcome: string | null;
  outcomeAt: number | null;
  policeReference: string | null;
  /** Rule id and whether it ran in shadow. */
  rules: [string, boolean][];
  reasons: object[];
  identities: string[];
}

/** What the contract tests read, on either adapter. */
export type ReportRepositories = Pick<Repositories, 'reports' | 'reviews' | 'webhooks'>;

/**
 * One database of either kind, with a writer that puts rows straight into its tables: the checks
 * repositories are being ported beside these, and the rows are the same whichever writes them.
 */
export interface Adapter {
  name: 'sqlite' | 'postgres';
  repositories: ReportRepositories;
  /** Runs `work` in one transaction of this adapter's. */
  transaction<T>(work: (tx: ReportRepositories) => Promise<T>): Promise<T>;
  /** The database file (SQLite only), for a test that looks at its WAL. */
  path?: string;
  /** Another node on the same database (PostgreSQL only: SQLite has one process). */
  anotherNode?: () => Promise<Adapter>;
  write: {
    check(check: SeedCheck): Promise<void>;
    outcome(checkId: string, outcome: string, at: number): Promise<void>;
    move(checkId: string, occurredAt: number, lane: SeedCheck['lane']): Promise<void>;
    rules(checkId: string, rules: [string, boolean][]): Promise<void>;
    remove(checkId: string): Promise<void>;
  };
}

const SQLITE_INSERT = `
  INSERT INTO checks (id, store_id, till_id, transaction_id, lane, currency, occurred_at, received_at, updated_at, key_id,
    request_fingerprint, identified, basket_total, stored_value, stored_value_units, age_band, tender, answers, action, score,
    warned, prompt_id, revision, rule_set_version, outcome, outcome_at, outcome_police_reference, business_day, livemode)
  VALUES (@id, @storeId, @tillId, @transactionId, @lane, @currency, @occurredAt, @receivedAt, @receivedAt, 'key', 'fp', 1,
    @basketTotal, @storedValue, @storedValueUnits, @ageBand, @tender, '{}', @action, @score, @warned, @promptId, @revision,
    @ruleSetVersion, @outcome, @outcomeAt, @policeReference, @businessDay, @livemode)`;
const SQLITE_EVALUATION = `
  INSERT INTO evaluations (check_id, revision, trigger, evaluated_at, request, answers, history, action, score, reasons,
    shadow_reasons, prompt_id, prompt, rule_set_version)
  VALUES (@id, @revision, 'check', @receivedAt, '{}', '{}', '{}', @action, @score, @reasons, '[]', @promptId, NULL, @ruleSetVersion)`;

const businessDay = (at: number) => new Date(at).toISOString().slice(0, 10);

export function sqliteAdapter(): Adapter {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-contract-'));
  const path = join(dir, 'vouchsafe.db');
  const store = openSqliteStore(path);
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  onTestFinished(async () => {
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const setRules = (checkId: string, rules: [string, boolean][]) => {
    db.prepare('DELETE FROM check_rules WHERE check_id = ?').run(checkId);
    for (const [ruleId, shadow] of rules) db.prepare('INSERT INTO check_rules (check_id, rule_id, shadow) VALUES (?, ?, ?)').run(checkId, ruleId, shadow ? 1 : 0);
  };
  return {
    name: 'sqlite',
    path,
    repositories: store,
    transaction: (work) => store.transaction(work),
    write: {
      async check(check) {
        db.transaction(() => {
          const row = { ...check, warned: check.warned ? 1 : 0, livemode: check.livemode ? 1 : 0, businessDay: businessDay(check.occurredAt), reasons: JSON.stringify(check.reasons) };
          db.prepare(SQLITE_INSERT).run(row);
          db.prepare(SQLITE_EVALUATION).run(row);
          setRules(check.id, check.rules);
          for (const identity of check.identities) db.prepare('INSERT INTO check_identities (identity, at, check_id) VALUES (?, ?, ?)').run(identity, check.receivedAt, check.id);
        })();
      },
      async outcome(checkId, outcome, at) {
        db.prepare('UPDATE checks SET outcome = ?, outcome_at = ? WHERE id = ?').run(outcome, at, checkId);
      },
      async move(checkId, occurredAt, lane) {
        db.prepare('UPDATE checks SET occurred_at = ?, lane = ? WHERE id = ?').run(occurredAt, lane, checkId);
      },
      async rules(checkId, rules) {
        db.transaction(() => setRules(checkId, rules))();
      },
      async remove(checkId) {
        db.prepare('DELETE FROM checks WHERE id = ?').run(checkId);
      },
    },
  };
}

async function postgresNode(url: string): Promise<Adapter> {
  const store = await openPostgresStore(url, { poolSize: 4 });
  const sql = connect(url, { max: 2 });
  onTestFinished(async () => {
    await sql.end();
    await store.close();
  });
  const setRules = async (tx: Queryable, checkId: string, rules: [string, boolean][]) => {
    await tx`DELETE FROM check_rules WHERE check_id = ${checkId}`;
    for (const [ruleId, shadow] of rules) await tx`INSERT INTO check_rules (check_id, rule_id, shadow) VALUES (${checkId}, ${ruleId}, ${shadow})`;
  };
  return {
    name: 'postgres',
    repositories: store,
    transaction: (work) => store.transaction(work),
    anotherNode: () => postgresNode(url),
    write: {
      async check(c) {
        await sql.begin(async (tx) => {
          await tx`
            INSERT INTO checks (id, store_id, till_id, transaction_id, lane, currency, occurred_at, received_at, updated_at, key_id,
              request_fingerprint, identified, basket_total, stored_value, stored_value_units, age_band, tender, answers, action, score,
              warned, prompt_id, revision, rule_set_version, outcome, outcome_at, outcome_police_reference, business_day, livemode)
            VALUES (${c.id}, ${c.storeId}, ${c.tillId}, ${c.transactionId}, ${c.lane}, ${c.currency}, ${c.occurredAt}, ${c.receivedAt},
              ${c.receivedAt}, 'key', 'fp', true, ${c.basketTotal}, ${c.storedValue}, ${c.storedValueUnits}, ${c.ageBand}, ${c.tender}, '{}',
              ${c.action}, ${c.score}, ${c.warned}, ${c.promptId}, ${c.revision}, ${c.ruleSetVersion}, ${c.outcome}, ${c.outcomeAt},
              ${c.policeReference}, ${businessDay(c.occurredAt)}, ${c.livemode})`;
          await tx`
            INSERT INTO evaluations (check_id, revision, trigger, evaluated_at, request, answers, history, action, score, reasons,
              shadow_reasons, prompt_id, prompt, rule_set_version)
            VALUES (${c.id}, ${c.revision}, 'check', ${c.receivedAt}, '{}', '{}', '{}', ${c.action}, ${c.score},
              ${json(c.reasons)}::jsonb, '[]', ${c.promptId}, NULL, ${c.ruleSetVersion})`;
          await setRules(tx, c.id, c.rules);
          for (const identity of c.identities) await tx`INSERT INTO check_identities (identity, at, check_id) VALUES (${identity}, ${c.receivedAt}, ${c.id})`;
        });
      },
      async outcome(checkId, outcome, at) {
        await sql`UPDATE checks SET outcome = ${outcome}, outcome_at = ${at} WHERE id = ${checkId}`;
      },
      async move(checkId, occurredAt, lane) {
        await sql`UPDATE checks SET occurred_at = ${occurredAt}, lane = ${lane} WHERE id = ${checkId}`;
      },
      async rules(checkId, rules) {
        await sql.begin((tx) => setRules(tx, checkId, rules));
      },
      async remove(checkId) {
        await sql`DELETE FROM checks WHERE id = ${checkId}`;
      },
    },
  };
}

/** A fresh PostgreSQL database, migrated by the first node opened on it. */
export async function postgresAdapter(): Promise<Adapter> {
  return postgresNode(await freshPostgresUrl());
}

/** A small deterministic generator, so both adapters are given the same rows. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
