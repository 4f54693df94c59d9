// Frozen once released: it spells out its own SQL.

/** As SQLite's migration 0190: cases, one per check, and what happened to each since it opened. */
export const sql = `
  CREATE TABLE cases (
    id text PRIMARY KEY,
    check_id text NOT NULL UNIQUE REFERENCES checks (id) ON DELETE CASCADE,
    store_id text NOT NULL,
    livemode boolean NOT NULL,
    opened_at bigint NOT NULL,
    opened_reason text NOT NULL CHECK (opened_reason IN ('scam_confirmed', 'hold_refused', 'reported', 'escalated')),
    status text NOT NULL CHECK (status IN ('open', 'freeze_requested', 'frozen', 'partly_frozen', 'too_late', 'closed')),
    reopen_status text CHECK (reopen_status IN ('open', 'freeze_requested', 'frozen', 'partly_frozen', 'too_late')),
    owner text,
    value_lost bigint,
    value_frozen bigint NOT NULL DEFAULT 0,
    freeze_requested_at bigint,
    updated_at bigint NOT NULL,
    version integer NOT NULL DEFAULT 1,
    CHECK ((status = 'closed') = (reopen_status IS NOT NULL))
  );
  CREATE INDEX cases_by_world_store ON cases (livemode, store_id, id COLLATE "C");
  CREATE INDEX cases_by_opened ON cases (opened_at);
  CREATE TABLE case_events (
    case_id text NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq integer NOT NULL,
    at bigint NOT NULL,
    kind text NOT NULL,
    actor text,
    detail jsonb NOT NULL,
    PRIMARY KEY (case_id, seq)
  );
`;
