-- Per-desk caches across app servers (issue 18): each `atiende serve`
-- keeps, per tenant, the tenant row (by slug) and the queue page's
-- directory: groups and their members, active agents, categories and
-- saved views. Every committed change to those rows sends NOTIFY
-- atiende_desks with the tenant's id, and the server's LISTEN connection
-- (the one of atiende_tickets, 00014) drops that tenant's entries.
--
-- Statement-level triggers with transition tables, as in 00014: one
-- notification per tenant and statement, folded per transaction and sent
-- at commit only. Customers' rows are most of users and change often (a
-- new requester by mail): only rows that are or were staff announce.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION notify_desk_changes() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('atiende_desks', t::text) FROM (SELECT DISTINCT tenant_id AS t FROM changed) c;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION notify_tenant_changes() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('atiende_desks', t::text) FROM (SELECT DISTINCT id AS t FROM changed) c;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION notify_staff_changes() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('atiende_desks', t::text)
            FROM (SELECT DISTINCT tenant_id AS t FROM changed WHERE role <> 'customer') c;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('atiende_desks', t::text)
            FROM (SELECT DISTINCT tenant_id AS t FROM before WHERE role <> 'customer') c;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER tenants_updated_notify AFTER UPDATE ON tenants
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_tenant_changes();
CREATE TRIGGER tenants_deleted_notify AFTER DELETE ON tenants
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_tenant_changes();

CREATE TRIGGER users_inserted_notify AFTER INSERT ON users
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_staff_changes();
CREATE TRIGGER users_updated_notify AFTER UPDATE ON users
    REFERENCING OLD TABLE AS before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_staff_changes();
CREATE TRIGGER users_deleted_notify AFTER DELETE ON users
    REFERENCING OLD TABLE AS before FOR EACH STATEMENT EXECUTE FUNCTION notify_staff_changes();

CREATE TRIGGER groups_inserted_notify AFTER INSERT ON groups
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER groups_updated_notify AFTER UPDATE ON groups
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER groups_deleted_notify AFTER DELETE ON groups
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();

CREATE TRIGGER group_members_inserted_notify AFTER INSERT ON group_members
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER group_members_updated_notify AFTER UPDATE ON group_members
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER group_members_deleted_notify AFTER DELETE ON group_members
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();

CREATE TRIGGER categories_inserted_notify AFTER INSERT ON categories
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER categories_updated_notify AFTER UPDATE ON categories
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER categories_deleted_notify AFTER DELETE ON categories
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();

CREATE TRIGGER saved_views_inserted_notify AFTER INSERT ON saved_views
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER saved_views_updated_notify AFTER UPDATE ON saved_views
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER saved_views_deleted_notify AFTER DELETE ON saved_views
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();

-- +goose Down
DROP TRIGGER saved_views_deleted_notify ON saved_views;
DROP TRIGGER saved_views_updated_notify ON saved_views;
DROP TRIGGER saved_views_inserted_notify ON saved_views;
DROP TRIGGER categories_deleted_notify ON categories;
DROP TRIGGER categories_updated_notify ON categories;
DROP TRIGGER categories_inserted_notify ON categories;
DROP TRIGGER group_members_deleted_notify ON group_members;
DROP TRIGGER group_members_updated_notify ON group_members;
DROP TRIGGER group_members_inserted_notify ON group_members;
DROP TRIGGER groups_deleted_notify ON groups;
DROP TRIGGER groups_updated_notify ON groups;
DROP TRIGGER groups_inserted_notify ON groups;
DROP TRIGGER users_deleted_notify ON users;
DROP TRIGGER users_updated_notify ON users;
DROP TRIGGER users_inserted_notify ON users;
DROP TRIGGER tenants_deleted_notify ON tenants;
DROP TRIGGER tenants_updated_notify ON tenants;
DROP FUNCTION notify_staff_changes();
DROP FUNCTION notify_tenant_changes();
DROP FUNCTION notify_desk_changes();
