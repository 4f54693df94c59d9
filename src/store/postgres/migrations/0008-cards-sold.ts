// Frozen once released: it spells out its own SQL.

/** As SQLite's migration 0200: the cards activated in a sale (serials sealed until purged), and processor keys. */
export const sql = `
  ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
  ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('till', 'supervisor', 'analyst', 'admin', 'processor'));

  CREATE TABLE check_cards (
    id text PRIMARY KEY,
    check_id text NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
    position integer NOT NULL,
    brand text NOT NULL,
    amount bigint NOT NULL,
    serial_last4 text,
    activation_last4 text,
    sealed text,
    recorded_at bigint NOT NULL,
    UNIQUE (check_id, position)
  );
  CREATE INDEX check_cards_sealed_by_time ON check_cards (recorded_at) WHERE sealed IS NOT NULL;
`;
