-- Satisfaction (CSAT): the requester's 1–5 rating of each resolution of a
-- ticket, and the links of the email survey.
--
-- A resolution is one stay of a ticket in Resuelto (and the Cerrado that
-- follows it), numbered 1 + the ticket's reopens at the time: a ticket
-- solved, reopened and solved again has resolutions 1 and 2, each rated on
-- its own. The rating may change while the ticket is Resuelto and is
-- frozen once it is Cerrado; the domain decides that (helpdesk.Ticket.Rate).
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys to tickets, row-level security enabled and FORCEd with
-- current_tenant().

-- +goose Up
CREATE TABLE satisfaction_ratings (
    tenant_id     bigint NOT NULL,
    ticket_id     bigint NOT NULL,
    resolution    integer NOT NULL CHECK (resolution >= 1),
    -- When the rated resolution was reached (the ticket's solved_at then),
    -- so CSAT can be reported by the period the work was done in.
    solved_at     timestamptz NOT NULL,
    rating        smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    -- Cleaned text (helpdesk.CleanText), up to 2,000 characters.
    comment       text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    -- The requester who rated: a user, or NULL for a guest who rated
    -- through a survey link (rated_by_name keeps who it was).
    rated_by      bigint,
    rated_by_name text NOT NULL,
    -- Where the last rating came from: the ticket page or a survey link.
    via           text NOT NULL CHECK (via IN ('portal', 'link')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, resolution),
    CHECK (updated_at >= created_at),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, rated_by) REFERENCES users (tenant_id, id)
);
-- CSAT over a period: the ratings of a tenant by when they were solved.
CREATE INDEX satisfaction_ratings_solved ON satisfaction_ratings (tenant_id, solved_at);

-- A survey link's token is 32 random bytes (base64url, 43 characters); only
-- its SHA-256 is stored, so the table cannot be used to rate. A link is
-- bound to one resolution of one ticket and expires.
CREATE TABLE satisfaction_links (
    tenant_id  bigint NOT NULL,
    token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
    ticket_id  bigint NOT NULL,
    resolution integer NOT NULL CHECK (resolution >= 1),
    -- who the link was made for ("user:<id>" or "guest:<email>")
    requester  text NOT NULL CHECK (length(requester) BETWEEN 1 AND 300),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    CHECK (expires_at > created_at),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX satisfaction_links_ticket ON satisfaction_links (tenant_id, ticket_id);
-- For a job that deletes expired links.
CREATE INDEX satisfaction_links_expires ON satisfaction_links (tenant_id, expires_at);

SELECT isolate_by_tenant('satisfaction_ratings', 'satisfaction_links');

-- +goose Down
DROP TABLE satisfaction_links;
DROP TABLE satisfaction_ratings;
