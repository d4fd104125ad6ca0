-- The admin pages (issue 6): the audit log, invitations, and the settings
-- the pages write that no earlier migration holds.
--
--   * audit_log: every admin change, who made it, when, what it was and
--     the object's values before and after (flat JSON objects of the
--     fields that matter, as the domain's AuditValues). Append-only like
--     events: SELECT and INSERT policies only, and UPDATE, DELETE and
--     TRUNCATE revoked from the owner here and from the application role
--     by postgres.GrantApp. actor_id NULL is the system.
--   * invitations: an admin invites an agent or admin by email. The token
--     is 32 random bytes shown once (base64url); only its SHA-256 is kept.
--     An invitation is used once (accepted_at), expires, and may be
--     revoked.
--   * custom fields gain the multi-select type (values in value_list), an
--     explicit order (position) and a second required flag: required for
--     agents (the console) apart from required for customers (the portal,
--     the existing "required" column).
--   * tenants gain an accent colour; the logo lives in its own table so
--     the public directory row stays narrow.
--   * ticket_settings gains the pending reminder delay.
--   * organisation_domains: customers signing up with an email of that
--     domain join the organisation.
--   * users.merged_into_id: a customer record merged into another one
--     (deactivated, its tickets moved).
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd with current_tenant().

-- +goose Up
CREATE TABLE audit_log (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    at           timestamptz NOT NULL,
    actor_id     bigint,
    actor_name   text NOT NULL CHECK (length(actor_name) BETWEEN 1 AND 200),
    -- "category.create": an area and a verb.
    action       text NOT NULL CHECK (action ~ '^[a-z][a-z_]{0,39}\.[a-z][a-z_]{0,39}$'),
    object_kind  text NOT NULL CHECK (object_kind ~ '^[a-z][a-z_]{0,39}$'),
    object_id    bigint NOT NULL DEFAULT 0,
    object_label text NOT NULL DEFAULT '' CHECK (length(object_label) <= 300),
    before       jsonb CHECK (before IS NULL OR jsonb_typeof(before) = 'object'),
    after        jsonb CHECK (after IS NULL OR jsonb_typeof(after) = 'object'),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id)
);
-- The log page pages by (at, id) descending, with or without one filter.
CREATE INDEX audit_log_at ON audit_log (tenant_id, at DESC, id DESC);
CREATE INDEX audit_log_action ON audit_log (tenant_id, action, at DESC, id DESC);
CREATE INDEX audit_log_object ON audit_log (tenant_id, object_kind, at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (tenant_id, actor_id, at DESC, id DESC);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON audit_log FOR SELECT
    USING (tenant_id = current_tenant());
CREATE POLICY audit_log_append ON audit_log FOR INSERT
    WITH CHECK (tenant_id = current_tenant());
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER;

CREATE TABLE invitations (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    token_hash  bytea NOT NULL CHECK (octet_length(token_hash) = 32),
    email       citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name        text NOT NULL DEFAULT '' CHECK (length(name) <= 120),
    role        text NOT NULL CHECK (role IN ('agent', 'admin')),
    invited_by  bigint NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    user_id     bigint,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    CHECK (expires_at > created_at),
    FOREIGN KEY (tenant_id, invited_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX invitations_pending ON invitations (tenant_id, created_at DESC)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

ALTER TABLE custom_field_defs
    DROP CONSTRAINT custom_field_defs_type_check,
    ADD CONSTRAINT custom_field_defs_type_check
        CHECK (type IN ('text', 'number', 'date', 'dropdown', 'multiselect', 'checkbox')),
    ADD COLUMN position integer NOT NULL DEFAULT 0,
    ADD COLUMN agent_required boolean NOT NULL DEFAULT false;

ALTER TABLE ticket_field_values
    DROP CONSTRAINT ticket_field_values_type_check,
    ADD CONSTRAINT ticket_field_values_type_check
        CHECK (type IN ('text', 'number', 'date', 'dropdown', 'multiselect', 'checkbox')),
    ADD COLUMN value_list text[];

ALTER TABLE tenants
    ADD COLUMN accent_color text NOT NULL DEFAULT '' CHECK (accent_color = '' OR accent_color ~ '^#[0-9a-f]{6}$');

CREATE TABLE tenant_logos (
    tenant_id    bigint PRIMARY KEY REFERENCES tenants (id),
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
    data         bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 524288),
    updated_at   timestamptz NOT NULL
);

ALTER TABLE ticket_settings
    ADD COLUMN pending_remind_after interval NOT NULL DEFAULT '0' CHECK (pending_remind_after >= '0');

CREATE TABLE organisation_domains (
    tenant_id       bigint NOT NULL REFERENCES tenants (id),
    domain          citext NOT NULL CHECK (domain ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$' AND domain LIKE '%.%'),
    organisation_id bigint NOT NULL,
    PRIMARY KEY (tenant_id, domain),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX organisation_domains_org ON organisation_domains (tenant_id, organisation_id);

ALTER TABLE users
    ADD COLUMN merged_into_id bigint,
    ADD FOREIGN KEY (tenant_id, merged_into_id) REFERENCES users (tenant_id, id);

SELECT isolate_by_tenant('invitations', 'tenant_logos', 'organisation_domains');

-- +goose Down
ALTER TABLE users DROP COLUMN merged_into_id;
DROP TABLE organisation_domains;
ALTER TABLE ticket_settings DROP COLUMN pending_remind_after;
DROP TABLE tenant_logos;
ALTER TABLE tenants DROP COLUMN accent_color;
DELETE FROM ticket_field_values WHERE type = 'multiselect';
ALTER TABLE ticket_field_values
    DROP COLUMN value_list,
    DROP CONSTRAINT ticket_field_values_type_check,
    ADD CONSTRAINT ticket_field_values_type_check
        CHECK (type IN ('text', 'number', 'date', 'dropdown', 'checkbox'));
UPDATE custom_field_defs SET type = 'dropdown' WHERE type = 'multiselect';
ALTER TABLE custom_field_defs
    DROP COLUMN agent_required,
    DROP COLUMN position,
    DROP CONSTRAINT custom_field_defs_type_check,
    ADD CONSTRAINT custom_field_defs_type_check
        CHECK (type IN ('text', 'number', 'date', 'dropdown', 'checkbox'));
DROP TABLE invitations;
DROP TABLE audit_log;
