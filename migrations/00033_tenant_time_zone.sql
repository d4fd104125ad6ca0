-- +goose Up
-- Every desk has a time zone: the reports' daily rollup and the business
-- calendars read local days from it, and an empty one is no zone at all.
-- Row-level security is forced on the owner too, so each desk is fixed
-- with its own tenant set.
-- +goose StatementBegin
DO $$
DECLARE
    t bigint;
BEGIN
    FOR t IN SELECT id FROM tenants WHERE time_zone = '' ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        UPDATE tenants SET time_zone = 'Europe/Madrid' WHERE id = t;
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd
ALTER TABLE tenants ADD CONSTRAINT tenants_time_zone_set CHECK (time_zone <> '');

-- +goose Down
ALTER TABLE tenants DROP CONSTRAINT tenants_time_zone_set;
