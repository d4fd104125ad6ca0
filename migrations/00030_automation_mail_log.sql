-- The mail log's pages and search (issue 21).
--
--   * The mail log lists received messages, ticket notices and account
--     messages in one list, newest first, 50 at a time, keyed by
--     (time, box, id). Each box gets an index in that order so a page
--     reads at most 51 rows of each, however old the cursor.
--   * Searching by part of an address or a subject uses trigram indexes
--     (pg_trgm and btree_gin come from 00002), with tenant_id leading.
--   * A rule's conditions may sit in up to two nested groups, each all or
--     any of its conditions (condition_groups, a jsonb list of
--     {"any": bool}; a condition names its group by number in its own
--     jsonb, "g").
--
-- Follows the rules of 00001: tenant_id leads every key.

-- +goose Up
ALTER TABLE automation_rules ADD COLUMN condition_groups jsonb NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(condition_groups) = 'array' AND jsonb_array_length(condition_groups) <= 2);
CREATE INDEX mail_inbound_log ON mail_inbound (tenant_id, received_at DESC, id DESC);
CREATE INDEX mail_outbox_log ON mail_outbox (tenant_id, created_at DESC, id DESC);
CREATE INDEX account_mail_log ON account_mail (tenant_id, created_at DESC, id DESC);
-- The few messages not done yet (waiting or failed), for those filters.
CREATE INDEX mail_inbound_log_open ON mail_inbound (tenant_id, received_at DESC, id DESC) WHERE state IN ('pending', 'failed');
CREATE INDEX mail_outbox_log_open ON mail_outbox (tenant_id, created_at DESC, id DESC) WHERE state IN ('queued', 'failed');
CREATE INDEX account_mail_log_open ON account_mail (tenant_id, created_at DESC, id DESC) WHERE state IN ('queued', 'failed');
CREATE INDEX mail_inbound_search ON mail_inbound USING gin (tenant_id, from_addr gin_trgm_ops, subject gin_trgm_ops);
CREATE INDEX mail_outbox_search ON mail_outbox USING gin (tenant_id, to_addr gin_trgm_ops, subject gin_trgm_ops);
CREATE INDEX account_mail_search ON account_mail USING gin (tenant_id, to_addr gin_trgm_ops, subject gin_trgm_ops);

-- +goose Down
DROP INDEX account_mail_search;
DROP INDEX mail_outbox_search;
DROP INDEX mail_inbound_search;
DROP INDEX account_mail_log_open;
DROP INDEX mail_outbox_log_open;
DROP INDEX mail_inbound_log_open;
DROP INDEX account_mail_log;
DROP INDEX mail_outbox_log;
DROP INDEX mail_inbound_log;
ALTER TABLE automation_rules DROP COLUMN condition_groups;
