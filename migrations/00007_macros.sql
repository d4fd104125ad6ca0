-- Macros (canned responses) of the console (issue 5, item 3): a text with
-- placeholders the agent inserts in a reply, and the field changes that
-- go with it (status, priority, tags to add).
--
--   * owner_id NULL is a shared macro (admins create them); otherwise the
--     macro is private to its owner, and the domain never shows it to
--     anyone else.
--   * set_status is one a reply may leave the ticket in ('' keeps it);
--     set_priority '' keeps the priority.
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd with current_tenant().

-- +goose Up
CREATE TABLE macros (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    owner_id     bigint,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    -- Up to 64 KiB (helpdesk.MaxBodyBytes).
    body         text NOT NULL CHECK (octet_length(body) <= 65536),
    set_status   text NOT NULL DEFAULT '' CHECK (set_status IN ('', 'open', 'pending', 'on_hold', 'solved')),
    set_priority text NOT NULL DEFAULT '' CHECK (set_priority IN ('', 'low', 'normal', 'high', 'urgent')),
    add_tags     text[] NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id)
);
-- The picker: shared macros and the agent's own, by name.
CREATE INDEX macros_tenant_owner ON macros (tenant_id, owner_id, name);

SELECT isolate_by_tenant('macros');

-- +goose Down
DROP TABLE macros;
