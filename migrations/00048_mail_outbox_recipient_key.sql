-- +goose Up
-- How many acknowledgements an address got lately (the loop brake), read
-- on every ticket's creation. Row-level security lets the planner use a
-- condition as an index condition ahead of the desk's policy only when it
-- is leakproof, and lower() is not: for the application role,
-- "lower(to_addr) = $2" never reached the index of 00012 beyond its
-- tenant_id, so each count read every message of the desk's last hour (a
-- growing share of a creation's time at a busy desk). The address's
-- lower-case form is stored (once, by PostgreSQL) and compared with texteq,
-- which is leakproof. Adding the column rewrites the table once.
ALTER TABLE mail_outbox ADD COLUMN to_key text GENERATED ALWAYS AS (lower(to_addr)) STORED;
DROP INDEX mail_outbox_recipient;
CREATE INDEX mail_outbox_recipient ON mail_outbox (tenant_id, to_key, kind, created_at);

-- +goose Down
DROP INDEX mail_outbox_recipient;
ALTER TABLE mail_outbox DROP COLUMN to_key;
CREATE INDEX mail_outbox_recipient ON mail_outbox (tenant_id, lower(to_addr), kind, created_at);
