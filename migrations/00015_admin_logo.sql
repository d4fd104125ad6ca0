-- The desk logo's version stamp (issue 6), added after 00009_admin was
-- merged. It lives on the public tenants row, like the name: every page
-- links the logo from its header before any tenant transaction, with the
-- stamp in the URL so that a new logo is fetched at once and an old one
-- can be cached for long. NULL: the desk has no logo.

-- +goose Up
ALTER TABLE tenants ADD COLUMN logo_updated_at timestamptz;

-- +goose Down
ALTER TABLE tenants DROP COLUMN logo_updated_at;
