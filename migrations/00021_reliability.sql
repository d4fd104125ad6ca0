-- +goose Up
-- Durable idempotency for the creating forms: a form's key is claimed in
-- the transaction that creates the ticket, under a unique key, so a
-- resubmission after a crash (or on another server) finds the first
-- ticket instead of opening a second. scope says whose key it is
-- ('portal:<user id>', 'guest', 'api:<client>'), key is the client's value.
CREATE TABLE idempotency_keys (
    tenant_id     bigint NOT NULL REFERENCES tenants (id),
    scope         text NOT NULL CHECK (octet_length(scope) BETWEEN 1 AND 100),
    key           text NOT NULL CHECK (octet_length(key) BETWEEN 1 AND 200),
    ticket_number bigint,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
SELECT isolate_by_tenant('idempotency_keys');

-- Devices that signed in before (OWASP's device cookie): a failed sign-in
-- from a known device counts against that device only, so strangers who
-- lock an account out of unknown devices do not lock its owner out.
-- Only the token's SHA-256 is kept.
CREATE TABLE known_devices (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    token_hash   bytea NOT NULL CHECK (octet_length(token_hash) = 32),
    user_id      bigint NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX known_devices_expires ON known_devices (expires_at);
SELECT isolate_by_tenant('known_devices');

-- +goose Down
DROP TABLE known_devices;
DROP TABLE idempotency_keys;
