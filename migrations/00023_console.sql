-- Console (issue 16): the desk's default group. A ticket that routing
-- leaves without a group (no category, or a category without a default
-- group) goes there, whatever channel opened it: a mailed ticket is
-- routed like a portal ticket and shows in "Mis grupos".
--
-- ticket_settings is tenant-owned and already isolated (00002): tenant_id
-- leads its key and the composite foreign key below.

-- +goose Up
ALTER TABLE ticket_settings
    ADD COLUMN default_group_id bigint,
    ADD CONSTRAINT ticket_settings_default_group_fk
        FOREIGN KEY (tenant_id, default_group_id) REFERENCES groups (tenant_id, id);

-- +goose Down
ALTER TABLE ticket_settings
    DROP CONSTRAINT ticket_settings_default_group_fk,
    DROP COLUMN default_group_id;
