-- Collision detection and reply drafts in the console (issue 5, items 6
-- and 7). Everything goes through Postgres, so that several app servers
-- behave as one.
--
--   * ticket_presence: which agent has which ticket open, and whether they
--     are writing a reply. Each open workspace refreshes its row every few
--     seconds; a row older than helpdesk.PresenceTTL means nothing and is
--     pruned by the next refresh in the tenant. At most one row per agent
--     and ticket.
--   * reply_drafts: the text an agent left in a ticket's reply box, kept
--     per agent and ticket so that a reload or another browser finds it.
--     Private to its author: the store reads it by (ticket, user) only.
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd with current_tenant().

-- +goose Up
CREATE TABLE ticket_presence (
    tenant_id bigint NOT NULL,
    ticket_id bigint NOT NULL,
    user_id   bigint NOT NULL,
    state     text NOT NULL CHECK (state IN ('viewing', 'typing')),
    seen_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, user_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
-- Pruning the rows that expired.
CREATE INDEX ticket_presence_seen ON ticket_presence (tenant_id, seen_at);

CREATE TABLE reply_drafts (
    tenant_id  bigint NOT NULL,
    ticket_id  bigint NOT NULL,
    user_id    bigint NOT NULL,
    -- Up to 64 KiB (helpdesk.MaxDraftBytes).
    body       text NOT NULL CHECK (octet_length(body) BETWEEN 1 AND 65536),
    public     boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, user_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

SELECT isolate_by_tenant('ticket_presence', 'reply_drafts');

-- +goose Down
DROP TABLE reply_drafts;
DROP TABLE ticket_presence;
