-- Saved views of the console (issue 5, item 1) and the agent profile
-- (item 9).
--
--   * A saved view is a filter, a sort and the columns a queue shows.
--     owner_id NULL is a shared view (admins define them), otherwise the
--     view is its owner's alone. The filter is stored as JSON in the
--     shape internal/postgres/views.go writes; the domain validates it
--     again every time the view is listed, so a view naming a group or
--     category that was archived since still opens.
--   * An agent's signature is appended to their public replies; the kinds
--     of notification they turned off are listed in notifications_off
--     (every kind is on by default).
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd with current_tenant().

-- +goose Up
CREATE TABLE saved_views (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    owner_id   bigint,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    filter     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(filter) = 'object'),
    sort       text NOT NULL DEFAULT '',
    columns    text[] NOT NULL DEFAULT '{}',
    position   integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX saved_views_owner ON saved_views (tenant_id, owner_id, position, name);

SELECT isolate_by_tenant('saved_views');

ALTER TABLE users
    ADD COLUMN signature         text NOT NULL DEFAULT '' CHECK (length(signature) <= 2000),
    ADD COLUMN notifications_off text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE users DROP COLUMN signature, DROP COLUMN notifications_off;
DROP TABLE saved_views;
