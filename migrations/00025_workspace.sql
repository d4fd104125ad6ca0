-- Workspace (issue 16, item 6): time tracking.
--
--   * time_entries: the minutes an agent spent on a ticket, logged with a
--     workspace submission, with an optional note and whether the time is
--     billable. Reports sum them by agent and by the requester's
--     organisation over a period.
--   * ticket_settings.require_time: the desk refuses a workspace
--     submission that logs no time.
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd through isolate_by_tenant.

-- +goose Up
CREATE TABLE time_entries (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    ticket_id  bigint NOT NULL,
    agent_id   bigint NOT NULL,
    minutes    integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    billable   boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, agent_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX time_entries_ticket ON time_entries (tenant_id, ticket_id);
CREATE INDEX time_entries_created ON time_entries (tenant_id, created_at);

SELECT isolate_by_tenant('time_entries');

ALTER TABLE ticket_settings
    ADD COLUMN require_time boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE ticket_settings DROP COLUMN require_time;
DROP TABLE time_entries;
