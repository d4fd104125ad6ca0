-- +goose Up
-- Finding a user by address (signing in, an inbound mail's sender, a
-- sign-up, an invitation) compared the citext column, whose equality is
-- not leakproof: under row-level security the planner could not use it as
-- an index condition, and each lookup read every user of the desk. The
-- address's lower-case form (citext's own comparison) is stored and
-- compared with texteq, which is leakproof; its unique index takes over
-- from the citext constraint, so users keep one unique index, not two.
ALTER TABLE users ADD COLUMN email_key text GENERATED ALWAYS AS (lower(email::text)) STORED;
CREATE UNIQUE INDEX users_email_key ON users (tenant_id, email_key);
ALTER TABLE users DROP CONSTRAINT users_tenant_id_email_key;

-- +goose Down
ALTER TABLE users ADD CONSTRAINT users_tenant_id_email_key UNIQUE (tenant_id, email);
DROP INDEX users_email_key;
ALTER TABLE users DROP COLUMN email_key;
