-- The settings routing reads (issues 6 and 7): the admin pages write them,
-- the assignment rules in the domain read them.
--
--   * A category may name the group its new tickets go to and the
--     priority they start with (the matrix still proposes one when the
--     requester gives urgency and impact). Categories are archived, never
--     deleted: old tickets keep pointing at them.
--   * A group assigns its new tickets automatically to the least-loaded
--     available agent with the category's skill ('least_loaded'), in turn
--     ('round_robin'), or leaves them in the group queue ('manual').
--     last_assigned_at on a member breaks ties in turn.
--   * An agent is 'available' or 'away'; routing skips away agents. A NULL
--     max_open_tickets means no cap.
--   * agent_skills lists the categories an agent handles. An agent with no
--     skills at all handles every category.
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd with current_tenant().

-- +goose Up
ALTER TABLE categories
    ADD COLUMN description      text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    ADD COLUMN default_group_id bigint,
    ADD COLUMN default_priority text NOT NULL DEFAULT '' CHECK (default_priority IN ('', 'low', 'normal', 'high', 'urgent')),
    ADD COLUMN portal_visible   boolean NOT NULL DEFAULT true,
    ADD COLUMN position         integer NOT NULL DEFAULT 0,
    ADD COLUMN archived_at      timestamptz,
    ADD FOREIGN KEY (tenant_id, default_group_id) REFERENCES groups (tenant_id, id);

ALTER TABLE groups
    ADD COLUMN assignment_mode text NOT NULL DEFAULT 'manual'
        CHECK (assignment_mode IN ('manual', 'least_loaded', 'round_robin')),
    ADD COLUMN archived_at timestamptz;

ALTER TABLE group_members
    ADD COLUMN is_lead          boolean NOT NULL DEFAULT false,
    ADD COLUMN last_assigned_at timestamptz;

ALTER TABLE users
    ADD COLUMN availability     text NOT NULL DEFAULT 'available' CHECK (availability IN ('available', 'away')),
    ADD COLUMN max_open_tickets integer CHECK (max_open_tickets > 0);

CREATE TABLE agent_skills (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    user_id     bigint NOT NULL,
    category_id bigint NOT NULL,
    PRIMARY KEY (tenant_id, user_id, category_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id)
);
CREATE INDEX agent_skills_category ON agent_skills (tenant_id, category_id);

SELECT isolate_by_tenant('agent_skills');

-- +goose Down
DROP TABLE agent_skills;
ALTER TABLE users DROP COLUMN availability, DROP COLUMN max_open_tickets;
ALTER TABLE group_members DROP COLUMN is_lead, DROP COLUMN last_assigned_at;
ALTER TABLE groups DROP COLUMN assignment_mode, DROP COLUMN archived_at;
ALTER TABLE categories DROP COLUMN description, DROP COLUMN default_group_id,
    DROP COLUMN default_priority, DROP COLUMN portal_visible, DROP COLUMN position,
    DROP COLUMN archived_at;
