// Frozen once released: it spells out its own SQL.

/** As SQLite's migration 0210: stores as records, store ids tills sent that the registry lacked, area alerts, and the alerts an evaluation saw. */
export const sql = `
  CREATE TABLE stores (
    id text PRIMARY KEY,
    name text NOT NULL,
    time_zone text NOT NULL,
    locale text NOT NULL,
    currency text NOT NULL,
    lat double precision,
    lon double precision,
    district text,
    source text NOT NULL CHECK (source IN ('api', 'file')),
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    CHECK ((lat IS NULL) = (lon IS NULL))
  );
  CREATE TABLE unknown_stores (
    store_id text PRIMARY KEY,
    first_seen_at bigint NOT NULL
  );
  CREATE TABLE area_alerts (
    id text PRIMARY KEY,
    store_id text NOT NULL,
    check_id text UNIQUE,
    reason text NOT NULL,
    livemode boolean NOT NULL,
    raised_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    radius_km double precision NOT NULL,
    lat double precision,
    lon double precision,
    district text,
    brands jsonb NOT NULL,
    currency text NOT NULL,
    value_band text NOT NULL
  );
  CREATE INDEX area_alerts_live ON area_alerts (livemode, expires_at);
  CREATE INDEX area_alerts_raised ON area_alerts (raised_at);
  ALTER TABLE evaluations ADD COLUMN area jsonb;
`;
