-- Single sign-on with OpenID Connect, per desk (docs/security.md).
--
--   * sso_settings is a desk's identity provider: the issuer URL, the
--     client id and its secret, sealed (AES-GCM under a key derived from
--     ATIENDE_MAIL_SECRET with a label of its own), the email domains
--     allowed to sign in, the role of people created at their first
--     sign-in, whether staff must sign in through the provider, and the
--     label of the login page's button. One row per desk at most.
--   * sso_identities links a provider's account (issuer, subject) to a
--     user of the desk. A user is found by this link first; the email
--     address is only the way to make the link the first time.

-- +goose Up
CREATE TABLE sso_settings (
    tenant_id       bigint PRIMARY KEY REFERENCES tenants (id),
    enabled         boolean NOT NULL DEFAULT false,
    issuer          text NOT NULL CHECK (length(issuer) BETWEEN 8 AND 500),
    client_id       text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 300),
    secret_enc      bytea NOT NULL,
    allowed_domains text[] NOT NULL DEFAULT '{}' CHECK (cardinality(allowed_domains) <= 50),
    new_user_role   text NOT NULL DEFAULT 'customer' CHECK (new_user_role IN ('customer', 'agent')),
    staff_sso_only  boolean NOT NULL DEFAULT false,
    button_label    text NOT NULL DEFAULT '' CHECK (length(button_label) <= 60),
    updated_at      timestamptz NOT NULL
);
SELECT isolate_by_tenant('sso_settings');

CREATE TABLE sso_identities (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    issuer       text NOT NULL CHECK (length(issuer) BETWEEN 8 AND 500),
    subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    user_id      bigint NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, issuer, subject),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX sso_identities_user ON sso_identities (tenant_id, user_id);
SELECT isolate_by_tenant('sso_identities');

-- +goose Down
DROP TABLE sso_identities;
DROP TABLE sso_settings;
