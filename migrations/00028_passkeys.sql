-- Passkeys (WebAuthn) as a second factor and as a passwordless sign-in for
-- staff (docs/security.md, ADR 0015).
--
--   * passkeys holds each registered credential of a user: the
--     credential id the authenticator returns (unique in the desk, the
--     key a sign-in looks it up by), the user handle given to the
--     authenticator (random, the same for all of a user's passkeys; it
--     ties a discoverable credential back to its owner), the credential
--     record as go-webauthn keeps it (public key, flags, transports) as
--     JSON, the signature counter last seen (a counter that goes back
--     means a cloned key: the sign-in is refused), the name the user gave
--     it, and when it was added and last used.
--   * webauthn_challenges are the ceremonies in flight: the session data
--     of a registration or sign-in, keyed by the SHA-256 of a random token
--     the browser's session holds. A ceremony is taken (deleted) by its
--     finishing request, so it works once, and only until expires_at.
--     user_id is empty for a passwordless sign-in, where the user is not
--     known until the authenticator answers.
--   * account_mail gains the notices passkey_added, passkey_removed and
--     passkey_clone.

-- +goose Up
CREATE TABLE passkeys (
    tenant_id     bigint NOT NULL REFERENCES tenants (id),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    user_id       bigint NOT NULL,
    user_handle   bytea NOT NULL CHECK (octet_length(user_handle) BETWEEN 16 AND 64),
    credential_id bytea NOT NULL CHECK (octet_length(credential_id) BETWEEN 16 AND 1023),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    record        jsonb NOT NULL,
    sign_count    bigint NOT NULL DEFAULT 0 CHECK (sign_count >= 0),
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, credential_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX passkeys_user ON passkeys (tenant_id, user_id);
SELECT isolate_by_tenant('passkeys');

CREATE TABLE webauthn_challenges (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
    purpose    text NOT NULL CHECK (purpose IN ('register', 'second_step', 'sign_in')),
    user_id    bigint,
    -- register: the name the user chose for the new passkey, and the
    -- user handle given to the authenticator (a user's first passkey
    -- gets a new one).
    label      text NOT NULL DEFAULT '' CHECK (length(label) <= 60),
    user_handle bytea,
    session    jsonb NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges (tenant_id, expires_at);
SELECT isolate_by_tenant('webauthn_challenges');

ALTER TABLE account_mail DROP CONSTRAINT account_mail_kind_check;
ALTER TABLE account_mail ADD CONSTRAINT account_mail_kind_check CHECK (kind IN ('reset', 'claim', 'invitation',
    'new_signin', 'password_changed', 'twofa_off', 'passkey_added', 'passkey_removed', 'passkey_clone'));

-- +goose Down
DELETE FROM account_mail WHERE kind IN ('passkey_added', 'passkey_removed', 'passkey_clone');
ALTER TABLE account_mail DROP CONSTRAINT account_mail_kind_check;
ALTER TABLE account_mail ADD CONSTRAINT account_mail_kind_check CHECK (kind IN ('reset', 'claim', 'invitation',
    'new_signin', 'password_changed', 'twofa_off'));
DROP TABLE webauthn_challenges;
DROP TABLE passkeys;
