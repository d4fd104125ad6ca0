-- Foundation: tenants, organisations, users, sessions and shared rate limits.
--
-- Isolation rules that every later migration follows:
--   * every tenant-owned table has tenant_id leading its primary key and every
--     foreign key, so the schema can be sharded by tenant without a rewrite;
--   * row-level security is enabled and FORCEd on it (binding the owner too),
--     with a policy on app.tenant_id, which the application sets per
--     transaction with set_config(..., true);
--   * policies compare with current_tenant(), which is NULL when app.tenant_id
--     is unset or empty (a pooled connection reads it back as '' after a
--     transaction that set it), so a query without a tenant sees nothing.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS citext;

-- current_tenant is the tenant the running transaction is bound to, or NULL.
CREATE FUNCTION current_tenant() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::bigint $$;

-- isolate_by_tenant enables and forces row-level security on each table and
-- adds the one policy every tenant-owned table has. Only the tables' owner
-- (the migrations' role) may run it.
-- +goose StatementBegin
CREATE FUNCTION isolate_by_tenant(VARIADIC tables text[]) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = current_tenant())
            WITH CHECK (tenant_id = current_tenant())$p$, t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- The tenant directory. Slugs are public (they are in every URL), so any
-- transaction may look one up; only the current tenant may change its row.
CREATE TABLE tenants (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    language    text NOT NULL DEFAULT 'es' CHECK (language IN ('es', 'en')),
    time_zone   text NOT NULL DEFAULT 'Europe/Madrid',
    created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_directory ON tenants FOR SELECT USING (true);
CREATE POLICY tenants_signup ON tenants FOR INSERT WITH CHECK (true);
CREATE POLICY tenants_update ON tenants FOR UPDATE
    USING (id = current_tenant());

CREATE TABLE organisations (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    shared_tickets boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE users (
    tenant_id       bigint NOT NULL REFERENCES tenants (id),
    id              bigint GENERATED ALWAYS AS IDENTITY,
    email           citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    role            text NOT NULL CHECK (role IN ('customer', 'agent', 'admin')),
    password_hash   text NOT NULL DEFAULT '',
    organisation_id bigint,
    language        text NOT NULL DEFAULT '' CHECK (language IN ('', 'es', 'en')),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX users_tenant_organisation ON users (tenant_id, organisation_id) WHERE organisation_id IS NOT NULL;

SELECT isolate_by_tenant('organisations', 'users');

-- scs sessions (pgxstore). Not tenant-owned: the token is the key and the
-- session data names its tenant, which the server checks on every request.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Fixed-window counters shared by every server process (login, sign-up and
-- public form limits). Keys are hashes of an IP or an account, never content.
CREATE TABLE rate_limits (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL
);

-- +goose Down
DROP TABLE rate_limits;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organisations;
DROP TABLE tenants;
DROP FUNCTION isolate_by_tenant(text[]);
DROP FUNCTION current_tenant();
