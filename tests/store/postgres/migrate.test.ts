import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseTooNewError } from '../../../src/store/index.js';
import { assertPostgresSchemaCurrent, migratePostgres } from '../../../src/store/postgres/migrate.js';
import { postgresMigrations } from '../../../src/store/postgres/migrations/index.js';
import { freshPostgresUrl, postgresAvailable } from '../../helpers/postgres.js';

describe.skipIf(!postgresAvailable)('PostgreSQL migrations', () => {
  const opened: postgres.Sql[] = [];
  const connect = (url: string) => {
    const sql = postgres(url, { max: 3, onnotice: () => {} });
    opened.push(sql);
    return sql;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((sql) => sql.end()));
  });

  it('builds the schema once, however many nodes start together', async () => {
    const url = await freshPostgresUrl();
    await Promise.all([migratePostgres(connect(url)), migratePostgres(connect(url)), migratePostgres(connect(url))]);
    const sql = connect(url);
    const applied = await sql<{ version: number }[]>`SELECT version FROM schema_migrations ORDER BY version`;
    expect(applied.map((row) => row.version)).toEqual(postgresMigrations.map((migration) => migration.version));
    await expect(assertPostgresSchemaCurrent(sql)).resolves.toBeUndefined();
  });

  it('refuses a database newer than the code, and one not yet migrated for a reader', async () => {
    const url = await freshPostgresUrl();
    const sql = connect(url);
    await expect(assertPostgresSchemaCurrent(sql)).rejects.toThrow(/start the service once/);
    await migratePostgres(sql);
    await sql`INSERT INTO schema_migrations (version, name) VALUES (9999, 'from the future')`;
    await expect(migratePostgres(sql)).rejects.toBeInstanceOf(DatabaseTooNewError);
    await expect(assertPostgresSchemaCurrent(sql)).rejects.toBeInstanceOf(DatabaseTooNewError);
  });

  it('leaves nothing of a migration that fails', async () => {
    const url = await freshPostgresUrl();
    const sql = connect(url);
    const broken = [...postgresMigrations, { version: 1000, name: 'broken', sql: 'CREATE TABLE half_done (id text); SELECT no_such_function();' }];
    await expect(migratePostgres(sql, broken)).rejects.toThrow(/no_such_function/);
    const [table] = await sql<{ found: boolean }[]>`SELECT to_regclass('half_done') IS NOT NULL AS found`;
    expect(table!.found).toBe(false);
    await expect(assertPostgresSchemaCurrent(sql)).resolves.toBeUndefined();
  });

  it('separates the worlds on a database already in use: its webhooks stay live, and a test check may reuse a live transaction id', async () => {
    const url = await freshPostgresUrl();
    const sql = connect(url);
    await migratePostgres(sql, postgresMigrations.slice(0, 1));
    const check = (id: string, livemode: boolean) => sql`
      INSERT INTO checks (id, store_id, till_id, transaction_id, lane, currency, occurred_at, received_at, updated_at, key_id,
        request_fingerprint, identified, basket_total, stored_value, stored_value_units, age_band, tender, answers, action, score,
        warned, revision, rule_set_version, business_day, livemode)
      VALUES (${id}, 's1', 't1', 'x1', 'staffed', 'GBP', 1, 1, 1, 'k1', 'f', false, 100, 100, 1, 'unknown', 'card', '{}', 'allow', 0,
        false, 1, 'v1', '1970-01-01', ${livemode})`;
    await check('c_live', true);
    await expect(check('c_test', false)).rejects.toThrow(/checks_one_per_transaction/);
    await sql`INSERT INTO webhook_endpoints (id, url, events, secret, created_at, created_by) VALUES ('we_1', 'https://lp.example.test', '[]', 'whsec_x', 1, 'k1')`;

    await migratePostgres(sql);
    await check('c_test', false);
    await expect(check('c_live_again', true)).rejects.toThrow(/checks_one_per_transaction/);
    expect(await sql`SELECT id, livemode FROM webhook_endpoints`).toEqual([{ id: 'we_1', livemode: true }]);
  });

  it('marks a check dirty for the report roll-ups when it is written, counted differently, or removed', async () => {
    const url = await freshPostgresUrl();
    const sql = connect(url);
    await migratePostgres(sql);
    const dirty = async () => (await sql<{ check_id: string }[]>`SELECT check_id FROM report_dirty ORDER BY check_id`).map((row) => row.check_id);
    await sql`
      INSERT INTO checks (id, store_id, till_id, transaction_id, lane, currency, occurred_at, received_at, updated_at, key_id,
        request_fingerprint, identified, basket_total, stored_value, stored_value_units, age_band, tender, answers, action, score,
        warned, revision, rule_set_version, business_day)
      VALUES ('c1', 's1', 't1', 'x1', 'staffed', 'GBP', 1, 1, 1, 'k1', 'f', false, 100, 100, 1, 'unknown', 'card', '{}', 'allow', 0,
        false, 1, 'v1', '1970-01-01')`;
    expect(await dirty()).toEqual(['c1']);
    await sql`DELETE FROM report_dirty`;
    await sql`UPDATE checks SET updated_at = 2 WHERE id = 'c1'`;
    expect(await dirty()).toEqual([]);
    await sql`UPDATE checks SET outcome = 'proceeded' WHERE id = 'c1'`;
    expect(await dirty()).toEqual(['c1']);
    await sql`DELETE FROM report_dirty`;
    await sql`INSERT INTO check_rules (check_id, rule_id, shadow) VALUES ('c1', 'r1', false)`;
    expect(await dirty()).toEqual(['c1']);
    await sql`DELETE FROM report_dirty`;
    await sql`DELETE FROM checks WHERE id = 'c1'`;
    expect(await dirty()).toEqual(['c1']);
    await expect(sql`
      INSERT INTO checks (id, store_id, till_id, transaction_id, lane, currency, occurred_at, received_at, updated_at, key_id,
        request_fingerprint, identified, basket_total, stored_value, stored_value_units, age_band, tender, answers, action, score,
        warned, revision, rule_set_version, business_day)
      SELECT id, 's1', 't1', 'x1', 'staffed', 'GBP', 1, 1, 1, 'k1', 'f', false, 100, 100, 1, 'unknown', 'card', '{}', 'allow', 0,
        false, 1, 'v1', '1970-01-01' FROM (VALUES ('c2'), ('c3')) AS ids (id)`).rejects.toMatchObject({ code: '23505' });
  });

  it('keeps the audit log append-only', async () => {
    const url = await freshPostgresUrl();
    const sql = connect(url);
    await migratePostgres(sql);
    await sql`INSERT INTO audit_log (at, actor, action, detail) VALUES (1, 'admin', 'key.created', '{}')`;
    await expect(sql`UPDATE audit_log SET actor = 'someone else'`).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`).rejects.toThrow(/append-only/);
  });
});
