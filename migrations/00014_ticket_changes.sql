-- Live updates across app servers (issue 5, item 7): every committed
-- change to tickets sends NOTIFY atiende_tickets with the tenant's id, so
-- each `atiende serve` (LISTENing on one connection) knows at once which
-- desks changed and its consoles' polls answer "nothing new" from memory.
--
-- Statement-level triggers with transition tables: one notification per
-- tenant and statement however many rows it touched (a bulk load or a
-- sweep), and PostgreSQL folds identical notifications of a transaction
-- into one, delivered at commit (never for a rolled-back change).

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION notify_ticket_changes() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('atiende_tickets', t::text) FROM (SELECT DISTINCT tenant_id AS t FROM changed) c;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER tickets_inserted_notify AFTER INSERT ON tickets
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_ticket_changes();
CREATE TRIGGER tickets_updated_notify AFTER UPDATE ON tickets
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_ticket_changes();

-- +goose Down
DROP TRIGGER tickets_updated_notify ON tickets;
DROP TRIGGER tickets_inserted_notify ON tickets;
DROP FUNCTION notify_ticket_changes();
