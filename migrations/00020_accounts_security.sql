-- Accounts and access (docs/security.md): mail about an account rather
-- than a ticket, password reset and account claiming, mailed invitations.
--
--   * account_mail is the outbox of account mail (reset, claim, invitation,
--     security notices). It works like mail_outbox (00012): a row is
--     inserted in the transaction that decided it, with its River job; the
--     worker renders it once and delivers it, retrying with backoff. It is
--     a table of its own because it belongs to no ticket. Messages carrying
--     a link drop their rendered bytes once the SMTP server accepted them.
--   * account_requests are the public forms' requests ("forgot my
--     password", sign-up with a known address): the form stores one row
--     and its job whether or not the address has an account, so its
--     answer and its work never depend on that; the job decides.
--   * password_tokens back the set-password links. Only the SHA-256 of a
--     token is stored. A token works once, until it expires, and is voided
--     by a newer token of the same user and by any password change.
--   * user_sessions lists a user's signed-in sessions ("Mis sesiones"):
--     the session store's key of each (the hash of its cookie token, as
--     the sessions table keys it), the device and address it signed in
--     from, and when it was last seen. Ending one deletes its row in
--     sessions. device_hash is the hash of a long-lived browser cookie, to
--     tell a new device (a "new sign-in" notice) from a known one.
--   * user_factors holds a user's TOTP secret, sealed (AES-GCM under a key
--     derived from ATIENDE_MAIL_SECRET with a label of its own), whether
--     it was confirmed, and the last time step used (no code is accepted
--     twice). recovery_codes keeps the SHA-256 of each recovery code.
--   * tenant_security holds a desk's access rules: whether staff must use
--     two-step verification (forced enrolment at their next sign-in).
--   * invitations gain the invitee's language, a second token for the
--     mailed link (the on-screen one keeps working), the time of the last
--     mail, and may invite customers too.

-- +goose Up
CREATE TABLE account_mail (
    tenant_id     bigint NOT NULL REFERENCES tenants (id),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    kind          text NOT NULL CHECK (kind IN ('reset', 'claim', 'invitation', 'new_signin',
                      'password_changed', 'twofa_off')),
    recipient_id  bigint,
    invitation_id bigint,
    to_addr       text NOT NULL CHECK (length(to_addr) BETWEEN 3 AND 254),
    to_name       text NOT NULL DEFAULT '' CHECK (length(to_name) <= 200),
    language      text NOT NULL CHECK (language IN ('', 'es', 'en')),
    -- new_signin: the device and address, for the text.
    detail        text NOT NULL DEFAULT '' CHECK (length(detail) <= 300),
    message_id    text NOT NULL DEFAULT '',
    subject       text NOT NULL DEFAULT '',
    raw           bytea,
    state         text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'local', 'failed')),
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text NOT NULL DEFAULT '' CHECK (length(last_error) <= 1000),
    created_at    timestamptz NOT NULL,
    sent_at       timestamptz,
    PRIMARY KEY (tenant_id, id),
    CHECK ((kind = 'invitation') = (invitation_id IS NOT NULL)),
    CHECK (kind = 'invitation' OR recipient_id IS NOT NULL),
    FOREIGN KEY (tenant_id, recipient_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, invitation_id) REFERENCES invitations (tenant_id, id)
);
CREATE INDEX account_mail_recent ON account_mail (tenant_id, id DESC);
SELECT isolate_by_tenant('account_mail');

CREATE TABLE account_requests (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    email        citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    language     text NOT NULL CHECK (language IN ('', 'es', 'en')),
    requested_at timestamptz NOT NULL,
    resolved_at  timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX account_requests_requested ON account_requests (tenant_id, requested_at);
SELECT isolate_by_tenant('account_requests');

CREATE TABLE password_tokens (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    user_id    bigint NOT NULL,
    token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    voided_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    CHECK (expires_at > created_at),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX password_tokens_live ON password_tokens (tenant_id, user_id)
    WHERE used_at IS NULL AND voided_at IS NULL;
SELECT isolate_by_tenant('password_tokens');

CREATE TABLE user_sessions (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    user_id      bigint NOT NULL,
    store_key    text NOT NULL CHECK (length(store_key) BETWEEN 1 AND 100),
    device_hash  bytea NOT NULL CHECK (octet_length(device_hash) = 32),
    device       text NOT NULL DEFAULT '' CHECK (length(device) <= 100),
    address      text NOT NULL DEFAULT '' CHECK (length(address) <= 100),
    epoch        integer NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, store_key),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX user_sessions_user ON user_sessions (tenant_id, user_id, last_seen_at DESC);
SELECT isolate_by_tenant('user_sessions');

CREATE TABLE user_factors (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    user_id      bigint NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('totp')),
    secret_enc   bytea NOT NULL,
    confirmed_at timestamptz,
    last_step    bigint NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id, kind),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
SELECT isolate_by_tenant('user_factors');

CREATE TABLE recovery_codes (
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    user_id   bigint NOT NULL,
    code_hash bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    used_at   timestamptz,
    PRIMARY KEY (tenant_id, user_id, code_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
SELECT isolate_by_tenant('recovery_codes');

CREATE TABLE tenant_security (
    tenant_id         bigint PRIMARY KEY REFERENCES tenants (id),
    require_staff_2fa boolean NOT NULL DEFAULT false,
    updated_at        timestamptz NOT NULL
);
SELECT isolate_by_tenant('tenant_security');

-- Claiming an account takes over the guest tickets opened with its address.
CREATE INDEX tickets_guest_email ON tickets (tenant_id, lower(guest_email)) WHERE requester_id IS NULL;

ALTER TABLE invitations
    ADD COLUMN language text NOT NULL DEFAULT '' CHECK (language IN ('', 'es', 'en')),
    ADD COLUMN mail_token_hash bytea CHECK (octet_length(mail_token_hash) = 32),
    ADD COLUMN mailed_at timestamptz,
    ADD CONSTRAINT invitations_mail_token UNIQUE (tenant_id, mail_token_hash);
ALTER TABLE invitations DROP CONSTRAINT invitations_role_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_role_check CHECK (role IN ('agent', 'admin', 'customer'));

-- +goose Down
DROP INDEX tickets_guest_email;
DROP TABLE user_sessions;
DROP TABLE tenant_security;
DROP TABLE recovery_codes;
DROP TABLE user_factors;
DROP TABLE password_tokens;
DROP TABLE account_requests;
DROP TABLE account_mail;
DELETE FROM invitations WHERE role = 'customer';
ALTER TABLE invitations DROP CONSTRAINT invitations_role_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_role_check CHECK (role IN ('agent', 'admin'));
ALTER TABLE invitations
    DROP CONSTRAINT invitations_mail_token,
    DROP COLUMN mailed_at,
    DROP COLUMN mail_token_hash,
    DROP COLUMN language;
