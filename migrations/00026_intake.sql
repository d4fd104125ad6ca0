-- Intake (issue 16): requester-side CCs and the queue's density.
--
--   * ticket_ccs: the addresses copied on a ticket (the requester's side:
--     a colleague, a manager). They receive the agents' public replies by
--     mail and may reply by mail. An address, not an account: a customer
--     account is found or created only when the address writes in.
--   * users.queue_density: the console queue's row density an agent chose
--     ('comfortable' or 'compact').
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd.

-- +goose Up
CREATE TABLE ticket_ccs (
    tenant_id  bigint NOT NULL,
    ticket_id  bigint NOT NULL,
    email      citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    added_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, ticket_id, email),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
SELECT isolate_by_tenant('ticket_ccs');

ALTER TABLE users ADD COLUMN queue_density text NOT NULL DEFAULT 'comfortable'
    CHECK (queue_density IN ('comfortable', 'compact'));

-- +goose Down
ALTER TABLE users DROP COLUMN queue_density;
DROP TABLE ticket_ccs;
