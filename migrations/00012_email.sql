-- The email channel (issue 8): inbound mail as received and the outbox of
-- notifications. See docs/email.md.
--
--   * mail_inbound keeps every message as received (raw bytes) before it is
--     processed, so nothing is lost when parsing or the database rules
--     refuse it; its outcome is what the mail log shows. A Message-ID is
--     unique per tenant among first deliveries: a second delivery is kept
--     as a row pointing at the first (duplicate_of), without its bytes, and
--     creates nothing else.
--   * mail_outbox is the transactional outbox: a notification is inserted
--     in the same transaction as the ticket change that caused it. The
--     worker renders it once (message_id, subject and raw are fixed then,
--     so a retry sends the same bytes) and delivers it.
--   * Processing and delivery are background jobs on River (internal/jobs),
--     inserted in the same transaction as the row they name; a job carries
--     the tenant and the row id only.
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd on tenant tables.

-- +goose Up
CREATE TABLE mail_inbound (
    tenant_id     bigint NOT NULL REFERENCES tenants (id),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    message_id    text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 998),
    duplicate_of  bigint,
    envelope_from text NOT NULL DEFAULT '' CHECK (length(envelope_from) <= 998),
    from_addr     text NOT NULL DEFAULT '' CHECK (length(from_addr) <= 998),
    subject       text NOT NULL DEFAULT '' CHECK (length(subject) <= 998),
    raw           bytea,
    size          integer NOT NULL CHECK (size >= 0),
    state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    outcome       text NOT NULL DEFAULT '' CHECK (outcome IN ('', 'new_ticket', 'reply', 'follow_up',
                      'duplicate', 'loop_suppressed', 'rate_limited', 'blocked', 'rejected')),
    detail        text NOT NULL DEFAULT '' CHECK (length(detail) <= 500),
    ticket_number bigint,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text NOT NULL DEFAULT '' CHECK (length(last_error) <= 1000),
    received_at   timestamptz NOT NULL,
    processed_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, duplicate_of) REFERENCES mail_inbound (tenant_id, id)
);
-- One first delivery per Message-ID and tenant.
CREATE UNIQUE INDEX mail_inbound_message ON mail_inbound (tenant_id, message_id) WHERE duplicate_of IS NULL;
-- The mail log (newest first) and the thread of a ticket.
CREATE INDEX mail_inbound_recent ON mail_inbound (tenant_id, id DESC);
CREATE INDEX mail_inbound_ticket ON mail_inbound (tenant_id, ticket_number, id) WHERE ticket_number IS NOT NULL;
SELECT isolate_by_tenant('mail_inbound');

CREATE TABLE mail_outbox (
    tenant_id       bigint NOT NULL REFERENCES tenants (id),
    id              bigint GENERATED ALWAYS AS IDENTITY,
    kind            text NOT NULL CHECK (kind IN ('ack', 'reply', 'pending', 'solved',
                        'assigned', 'requester_reply', 'mention', 'guest_link')),
    ticket_id       bigint NOT NULL,
    comment_id      bigint,
    recipient_id    bigint,
    to_addr         text NOT NULL CHECK (length(to_addr) BETWEEN 3 AND 254),
    to_name         text NOT NULL DEFAULT '',
    language        text NOT NULL CHECK (language IN ('', 'es', 'en')),
    auto            boolean NOT NULL,
    message_id      text NOT NULL DEFAULT '',
    subject         text NOT NULL DEFAULT '',
    raw             bytea,
    state           text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'local', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '' CHECK (length(last_error) <= 1000),
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, comment_id) REFERENCES comments (tenant_id, id),
    FOREIGN KEY (tenant_id, recipient_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX mail_outbox_recent ON mail_outbox (tenant_id, id DESC);
CREATE INDEX mail_outbox_ticket ON mail_outbox (tenant_id, ticket_id, id);
SELECT isolate_by_tenant('mail_outbox');

-- IMAP polling of an existing mailbox, per desk. The password is sealed
-- (AES-GCM, key derived from ATIENDE_MAIL_SECRET) before it is stored.
-- last_uid and uid_validity say what was taken already; the Message-ID
-- index of mail_inbound catches anything seen twice anyway.
CREATE TABLE mail_imap (
    tenant_id      bigint PRIMARY KEY REFERENCES tenants (id),
    host           text NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
    port           integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    tls            text NOT NULL CHECK (tls IN ('none', 'starttls', 'tls')),
    username       text NOT NULL CHECK (length(username) BETWEEN 1 AND 254),
    password_enc   bytea NOT NULL,
    mailbox        text NOT NULL CHECK (length(mailbox) BETWEEN 1 AND 200),
    enabled        boolean NOT NULL,
    uid_validity   bigint NOT NULL DEFAULT 0,
    last_uid       bigint NOT NULL DEFAULT 0,
    last_error     text NOT NULL DEFAULT '' CHECK (length(last_error) <= 1000),
    last_polled_at timestamptz
);
SELECT isolate_by_tenant('mail_imap');

-- Which desks the poller visits: ids only, no content (docs/database.md
-- "Cross-tenant access"); written with mail_imap in one transaction.
CREATE TABLE mail_imap_pollable (
    tenant_id bigint PRIMARY KEY REFERENCES tenants (id)
);

-- A "send me my link again" request is resolved once, by a mail job.
ALTER TABLE guest_link_requests ADD COLUMN resolved_at timestamptz;

-- +goose Down
ALTER TABLE guest_link_requests DROP COLUMN resolved_at;
DROP TABLE mail_imap_pollable;
DROP TABLE mail_imap;
DROP TABLE mail_outbox;
DROP TABLE mail_inbound;
