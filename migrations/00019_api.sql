-- The REST API and webhooks (docs/api.md).
--
--   * api_tokens: a desk's API tokens. Only the SHA-256 of the secret is
--     kept; the secret is shown once. A token acts as a named agent, or as
--     its own integration identity: an inactive staff row of users (it
--     cannot sign in, is never offered for assignment) whose name is the
--     token's, so history shows "CRM" as the author of what the API did.
--   * api_idempotency: one row per (token, Idempotency-Key): the request's
--     fingerprint and, once answered, the response, so a retry gets the
--     first answer. A row without a response is a request in flight.
--   * ticket_calls: the phone call behind a ticket opened by a phone
--     system (caller number, call start, duration, agent on the call).
--   * webhook_subscriptions / webhook_deliveries: who wants which ticket
--     events, and the outbox of signed deliveries with their log.
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd.

-- +goose Up
CREATE TABLE api_tokens (
    tenant_id      bigint NOT NULL REFERENCES tenants (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    secret_hash    bytea NOT NULL CHECK (length(secret_hash) = 32),
    hint           text NOT NULL CHECK (length(hint) <= 16),
    scopes         text[] NOT NULL,
    acting_user_id bigint NOT NULL,
    integration    boolean NOT NULL,
    language       text NOT NULL CHECK (language IN ('es', 'en')),
    rate_per_min   integer NOT NULL CHECK (rate_per_min BETWEEN 1 AND 100000),
    expires_at     timestamptz,
    created_by     bigint,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    last_used_at   timestamptz,
    last_used_ip   text NOT NULL DEFAULT '' CHECK (length(last_used_ip) <= 64),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, secret_hash),
    FOREIGN KEY (tenant_id, acting_user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);

CREATE TABLE api_idempotency (
    tenant_id    bigint NOT NULL,
    token_id     bigint NOT NULL,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint  bytea NOT NULL,
    status       integer,
    content_type text NOT NULL DEFAULT '',
    location     text NOT NULL DEFAULT '',
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, token_id, key),
    FOREIGN KEY (tenant_id, token_id) REFERENCES api_tokens (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX api_idempotency_age ON api_idempotency (created_at);

CREATE TABLE ticket_calls (
    tenant_id        bigint NOT NULL,
    ticket_id        bigint NOT NULL,
    caller_number    text NOT NULL CHECK (length(caller_number) <= 40),
    started_at       timestamptz,
    duration_seconds integer CHECK (duration_seconds BETWEEN 0 AND 86400),
    agent_id         bigint,
    PRIMARY KEY (tenant_id, ticket_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, agent_id) REFERENCES users (tenant_id, id)
);

CREATE TABLE webhook_subscriptions (
    tenant_id       bigint NOT NULL REFERENCES tenants (id),
    id              bigint GENERATED ALWAYS AS IDENTITY,
    url             text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    events          text[] NOT NULL,
    group_id        bigint,
    category_id     bigint,
    secret          text NOT NULL,
    old_secret      text NOT NULL DEFAULT '',
    old_secret_until timestamptz,
    active          boolean NOT NULL DEFAULT true,
    failures        integer NOT NULL DEFAULT 0,
    disabled_reason text NOT NULL DEFAULT '',
    lease_until     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id)
);

CREATE TABLE webhook_deliveries (
    tenant_id       bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    subscription_id bigint NOT NULL,
    event_id        text NOT NULL CHECK (length(event_id) <= 64),
    event           text NOT NULL CHECK (event ~ '^[a-z_.]{1,40}$'),
    ticket_id       bigint,
    payload         bytea NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_at         timestamptz NOT NULL DEFAULT now(),
    last_status     integer NOT NULL DEFAULT 0,
    last_latency_ms integer NOT NULL DEFAULT 0,
    last_response   text NOT NULL DEFAULT '' CHECK (length(last_response) <= 1024),
    last_error      text NOT NULL DEFAULT '' CHECK (length(last_error) <= 512),
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, subscription_id, event_id),
    FOREIGN KEY (tenant_id, subscription_id) REFERENCES webhook_subscriptions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (tenant_id, subscription_id, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (tenant_id, subscription_id, id DESC);

SELECT isolate_by_tenant('api_tokens', 'api_idempotency', 'ticket_calls', 'webhook_subscriptions', 'webhook_deliveries');

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
DROP TABLE ticket_calls;
DROP TABLE api_idempotency;
DROP TABLE api_tokens;
