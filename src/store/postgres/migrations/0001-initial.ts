// Frozen once released: it spells out its own SQL.

const CHECK_COUNTERS = [
  'checks', 'checks_with_stored_value', 'warned_with_stored_value', 'stored_value', 'action_allow', 'action_prompt',
  'action_hold', 'action_refuse', 'warned', 'outcome_proceeded', 'outcome_proceeded_after_warning', 'outcome_abandoned',
  'outcome_scam_confirmed', 'outcome_refused', 'warned_with_outcome', 'warned_then_sold', 'stops', 'value_protected',
];
const RULE_COUNTERS = ['hits', 'stops', 'value_protected'];

/** The columns whose change moves a check in the roll-ups (SQLite's report_mark_updated). */
const COUNTED_COLUMNS = ['occurred_at', 'store_id', 'currency', 'lane', 'age_band', 'stored_value', 'action', 'warned', 'outcome'];

const counters = (names: readonly string[]) => names.map((name) => `${name} bigint NOT NULL`).join(',\n      ');

/**
 * The schema SQLite reaches after its migrations 0010-0120, in PostgreSQL's own types: epoch-ms times
 * and money in minor units as bigint, flags as boolean, JSON the service reads back whole or queries as
 * jsonb, JSON whose text must come back exactly (a rule set's source, in its author's key order) as json,
 * and bodies sent or replayed byte for byte as text. Report roll-ups are kept as on SQLite: triggers mark
 * a changed check dirty, and the catch-up moves it into the roll-up tables in batches.
 */
export const sql = `
    CREATE TABLE checks (
      id text PRIMARY KEY,
      store_id text NOT NULL,
      till_id text NOT NULL,
      transaction_id text NOT NULL,
      lane text NOT NULL,
      currency text NOT NULL,
      occurred_at bigint NOT NULL,
      received_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      key_id text NOT NULL,
      request_fingerprint text NOT NULL,
      identified boolean NOT NULL,
      basket_total bigint NOT NULL,
      stored_value bigint NOT NULL,
      stored_value_units integer NOT NULL,
      age_band text NOT NULL,
      tender text NOT NULL,
      answers jsonb NOT NULL,
      action text NOT NULL,
      score integer NOT NULL,
      warned boolean NOT NULL,
      prompt_id text,
      revision integer NOT NULL,
      rule_set_version text NOT NULL,
      outcome text,
      outcome_at bigint,
      outcome_staff_ref text,
      outcome_police_reference text,
      outcome_note text,
      outcome_key_id text,
      -- Where the check sits in its customer's history (NULL: when it was received).
      history_at bigint,
      -- YYYY-MM-DD in the store's time zone: a till's transaction id is unique per store and business day.
      business_day text NOT NULL,
      livemode boolean NOT NULL DEFAULT true,
      -- Idempotency relies on it: a check sent twice, or by two nodes at once, is one check.
      CONSTRAINT checks_one_per_transaction UNIQUE (store_id, transaction_id, business_day)
    );
    CREATE INDEX checks_by_time ON checks (occurred_at);
    CREATE INDEX checks_by_store_time ON checks (store_id, occurred_at);
    -- Latest interventions, newest first, without reading every ordinary sale.
    CREATE INDEX checks_warned_by_time ON checks (occurred_at) WHERE warned;
    CREATE INDEX checks_test_by_time ON checks (occurred_at) WHERE NOT livemode;

    CREATE TABLE evaluations (
      check_id text NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
      revision integer NOT NULL,
      trigger text NOT NULL,
      evaluated_at bigint NOT NULL,
      request jsonb NOT NULL,
      answers jsonb NOT NULL,
      history jsonb NOT NULL,
      action text NOT NULL,
      score integer NOT NULL,
      reasons jsonb NOT NULL,
      shadow_reasons jsonb NOT NULL,
      prompt_id text,
      prompt jsonb,
      rule_set_version text NOT NULL,
      request_fingerprint text,
      PRIMARY KEY (check_id, revision)
    );

    -- The rules that matched each check's latest evaluation, for reports by rule.
    CREATE TABLE check_rules (
      check_id text NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
      rule_id text NOT NULL,
      shadow boolean NOT NULL,
      PRIMARY KEY (check_id, rule_id)
    );
    CREATE INDEX check_rules_by_rule ON check_rules (rule_id, shadow);

    -- Keyed hashes (HMAC) of loyalty ids and payment tokens, at the service's receive time: enough to
    -- link one customer's checks across stores for the history windows, not to recover the number.
    CREATE TABLE check_identities (
      identity text NOT NULL,
      at bigint NOT NULL,
      check_id text NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
      PRIMARY KEY (identity, at, check_id)
    );
    CREATE INDEX check_identities_by_check ON check_identities (check_id);

    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('till', 'supervisor', 'analyst', 'admin')),
      store_ids jsonb,
      secret_hash text NOT NULL UNIQUE,
      prefix text NOT NULL,
      created_at bigint NOT NULL,
      created_by text NOT NULL,
      revoked_at bigint,
      mode text NOT NULL DEFAULT 'live'
    );

    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at bigint NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      subject text,
      detail jsonb NOT NULL
    );
    CREATE INDEX audit_log_by_time ON audit_log (at);
    CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the audit log is append-only';
    END
    $$;
    CREATE TRIGGER audit_log_is_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
    CREATE TRIGGER audit_log_is_append_only_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

    CREATE TABLE rule_sets (
      version text PRIMARY KEY,
      content_hash text NOT NULL,
      source json NOT NULL,
      created_at bigint NOT NULL,
      created_by text NOT NULL,
      note text,
      status text NOT NULL DEFAULT 'approved' CHECK (status IN ('pending', 'approved', 'rejected')),
      reviewed_by text,
      reviewed_at bigint
    );
    CREATE INDEX rule_sets_by_creation ON rule_sets (created_at);

    -- Which rule set was active when: the newest row is the active one.
    CREATE TABLE rule_set_activations (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      version text NOT NULL REFERENCES rule_sets (version),
      activated_at bigint NOT NULL,
      activated_by text NOT NULL
    );

    -- Dashboard sessions: the cookie carries a random token; only its SHA-256 is kept here.
    CREATE TABLE dashboard_sessions (
      token_hash text PRIMARY KEY,
      key_id text NOT NULL REFERENCES api_keys (id),
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL
    );
    CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);

    -- Facts about the database itself, such as the fingerprint of the identity secret it was written with.
    CREATE TABLE meta (
      key text PRIMARY KEY,
      value text NOT NULL
    );

    -- Responses remembered under a client's Idempotency-Key, per API key, for replay byte for byte.
    CREATE TABLE idempotency_keys (
      key_id text NOT NULL,
      idempotency_key text NOT NULL,
      request_fingerprint text NOT NULL,
      status integer NOT NULL,
      headers jsonb NOT NULL,
      body text NOT NULL,
      created_at bigint NOT NULL,
      PRIMARY KEY (key_id, idempotency_key)
    );
    CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

    -- Report roll-ups. day: whole days since 1970-01-01 UTC of occurred_at; block: whole 32-day blocks
    -- since then. dimension 'all' has one row per period, store and currency (segment ''); 'age_band' and
    -- 'lane' split the same counts by that column. store_id '*' is the whole chain.
    CREATE TABLE report_days (
      dimension text NOT NULL CHECK (dimension IN ('all', 'age_band', 'lane')),
      store_id text NOT NULL,
      day integer NOT NULL,
      currency text NOT NULL,
      segment text NOT NULL,
      ${counters(CHECK_COUNTERS)},
      PRIMARY KEY (dimension, store_id, day, currency, segment)
    );
    CREATE TABLE report_blocks (
      dimension text NOT NULL CHECK (dimension IN ('all', 'age_band', 'lane')),
      store_id text NOT NULL,
      block integer NOT NULL,
      currency text NOT NULL,
      segment text NOT NULL,
      ${counters(CHECK_COUNTERS)},
      PRIMARY KEY (dimension, store_id, block, currency, segment)
    );
    -- The same by rule, for the rules matched by each check's latest evaluation (shadow rules too).
    CREATE TABLE report_rule_days (
      store_id text NOT NULL,
      day integer NOT NULL,
      currency text NOT NULL,
      rule_id text NOT NULL,
      shadow boolean NOT NULL,
      ${counters(RULE_COUNTERS)},
      PRIMARY KEY (store_id, day, currency, rule_id, shadow)
    );
    CREATE TABLE report_rule_blocks (
      store_id text NOT NULL,
      block integer NOT NULL,
      currency text NOT NULL,
      rule_id text NOT NULL,
      shadow boolean NOT NULL,
      ${counters(RULE_COUNTERS)},
      PRIMARY KEY (store_id, block, currency, rule_id, shadow)
    );

    -- Checks written since the roll-ups last caught up, and what each check last contributed, so a
    -- check that changes or goes is taken out exactly as it was put in.
    CREATE TABLE report_dirty (check_id text PRIMARY KEY);
    CREATE TABLE report_applied (
      check_id text PRIMARY KEY,
      occurred_at bigint NOT NULL,
      store_id text NOT NULL,
      currency text NOT NULL,
      lane text NOT NULL,
      age_band text NOT NULL,
      stored_value bigint NOT NULL,
      action text NOT NULL,
      warned boolean NOT NULL,
      outcome text
    );
    CREATE TABLE report_applied_rules (
      check_id text NOT NULL,
      rule_id text NOT NULL,
      shadow boolean NOT NULL,
      PRIMARY KEY (check_id, rule_id)
    );

    CREATE FUNCTION report_mark_check() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        INSERT INTO report_dirty (check_id) VALUES (OLD.id) ON CONFLICT DO NOTHING;
      ELSE
        INSERT INTO report_dirty (check_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
      END IF;
      RETURN NULL;
    END
    $$;
    CREATE FUNCTION report_mark_check_rule() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        INSERT INTO report_dirty (check_id) VALUES (OLD.check_id) ON CONFLICT DO NOTHING;
      ELSE
        INSERT INTO report_dirty (check_id) VALUES (NEW.check_id) ON CONFLICT DO NOTHING;
      END IF;
      RETURN NULL;
    END
    $$;
    CREATE TRIGGER report_mark_inserted AFTER INSERT ON checks
      FOR EACH ROW EXECUTE FUNCTION report_mark_check();
    CREATE TRIGGER report_mark_updated AFTER UPDATE OF ${COUNTED_COLUMNS.join(', ')} ON checks
      FOR EACH ROW WHEN (${COUNTED_COLUMNS.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`).join(' OR ')})
      EXECUTE FUNCTION report_mark_check();
    CREATE TRIGGER report_mark_deleted AFTER DELETE ON checks
      FOR EACH ROW EXECUTE FUNCTION report_mark_check();
    CREATE TRIGGER report_mark_rule_matched AFTER INSERT ON check_rules
      FOR EACH ROW EXECUTE FUNCTION report_mark_check_rule();
    CREATE TRIGGER report_mark_rule_unmatched AFTER DELETE ON check_rules
      FOR EACH ROW EXECUTE FUNCTION report_mark_check_rule();

    -- Holds as reviews with an owner and a deadline; a review goes with its check when that is purged.
    CREATE TABLE reviews (
      check_id text PRIMARY KEY REFERENCES checks (id) ON DELETE CASCADE,
      store_id text NOT NULL,
      opened_at bigint NOT NULL,
      deadline bigint NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'released', 'refused', 'expired')),
      closed_at bigint,
      closed_by text CHECK (closed_by IN ('supervisor', 'decision', 'outcome', 'deadline')),
      supervisor_ref text,
      closed_key_id text,
      reason text,
      CHECK ((status = 'open') = (closed_at IS NULL AND closed_by IS NULL))
    );
    -- What a supervisor's handheld polls, and what the sweeper looks for.
    CREATE INDEX reviews_open_by_store ON reviews (store_id, opened_at) WHERE status = 'open';
    CREATE INDEX reviews_open_by_deadline ON reviews (deadline) WHERE status = 'open';
    -- Reports by period, for every store or some.
    CREATE INDEX reviews_by_opened ON reviews (opened_at);
    CREATE INDEX reviews_by_store_opened ON reviews (store_id, opened_at);
    CREATE INDEX reviews_by_store_closed ON reviews (store_id, closed_at) WHERE closed_at IS NOT NULL;

    -- Webhooks and their outbox: an event is written in the same transaction as the change that caused it.
    CREATE TABLE webhook_endpoints (
      id text PRIMARY KEY,
      url text NOT NULL,
      events jsonb NOT NULL,
      description text,
      -- The signing secret has to be kept as it is: the service signs with it.
      secret text NOT NULL,
      created_at bigint NOT NULL,
      created_by text NOT NULL,
      deleted_at bigint
    );
    CREATE TABLE webhook_events (
      id text PRIMARY KEY,
      type text NOT NULL,
      occurred_at bigint NOT NULL,
      -- The body exactly as sent and signed, every attempt alike.
      payload text NOT NULL
    );
    CREATE INDEX webhook_events_by_time ON webhook_events (occurred_at);
    CREATE TABLE webhook_deliveries (
      id text PRIMARY KEY,
      endpoint_id text NOT NULL REFERENCES webhook_endpoints (id),
      event_id text NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
      created_at bigint NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at bigint,
      delivered_at bigint,
      UNIQUE (endpoint_id, event_id),
      CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at);
    CREATE TABLE webhook_attempts (
      delivery_id text NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
      attempt integer NOT NULL,
      at bigint NOT NULL,
      duration_ms integer NOT NULL,
      status_code integer,
      error text,
      PRIMARY KEY (delivery_id, attempt)
    );
`;
