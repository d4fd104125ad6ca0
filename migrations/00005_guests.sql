-- Guests: people who open and follow a ticket through the portal's public
-- form without an account (see internal/helpdesk/guest.go).
--
--   * tenants.guest_tickets: whether the desk takes guest tickets. On by
--     default, so the demo desk and new desks accept them; the admin pages
--     will offer the switch.
--   * guest_links: tracking links. A token is 32 random bytes (base64url, 43
--     characters) shown to the guest and never stored: only its SHA-256 is,
--     so the table cannot be used to open a ticket. A link names one ticket
--     and the guest email it was issued to, and expires (30 days).
--   * guest_link_requests: "send me my link again" (reference number and
--     email), recorded as asked, whether or not the pair exists, so that
--     answering never depends on it; the email channel resolves each one
--     and sends a new link when the pair matches a guest's ticket.
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys to tickets, row-level security enabled and FORCEd with
-- current_tenant().

-- +goose Up
ALTER TABLE tenants ADD COLUMN guest_tickets boolean NOT NULL DEFAULT true;

CREATE TABLE guest_links (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
    ticket_id  bigint NOT NULL,
    email      citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    CHECK (expires_at > created_at),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX guest_links_ticket ON guest_links (tenant_id, ticket_id);
-- For a job that deletes expired links.
CREATE INDEX guest_links_expires ON guest_links (tenant_id, expires_at);

-- No foreign key to tickets: the pair is recorded as typed, existing or not.
CREATE TABLE guest_link_requests (
    tenant_id     bigint NOT NULL REFERENCES tenants (id),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    ticket_number bigint NOT NULL CHECK (ticket_number > 0),
    email         citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    requested_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX guest_link_requests_requested ON guest_link_requests (tenant_id, requested_at);

SELECT isolate_by_tenant('guest_links', 'guest_link_requests');

-- +goose Down
DROP TABLE guest_link_requests;
DROP TABLE guest_links;
ALTER TABLE tenants DROP COLUMN guest_tickets;
