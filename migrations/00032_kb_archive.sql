-- +goose Up
-- An archived knowledge base category leaves the help centre and every
-- search with its sections and articles; the staff keep them to restore.
ALTER TABLE kb_categories ADD COLUMN archived_at timestamptz;

-- +goose Down
ALTER TABLE kb_categories DROP COLUMN archived_at;
