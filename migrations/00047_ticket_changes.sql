-- Ticket changes for the live-update hub without NOTIFY (issue 18). The
-- triggers of 00014 sent NOTIFY atiende_tickets from every transaction
-- that changed a ticket, and PostgreSQL takes one lock for the whole
-- cluster at the commit of any transaction that notified, held through its
-- WAL flush: every ticket change of every desk committed one at a time
-- (make bench: most creations' commits waited on it under load).
--
-- Instead the same statement-level triggers append one row per tenant and
-- statement to live.ticket_changes, stamped with the writing transaction's
-- id, and each `atiende serve` reads the rows new to it every 100 ms
-- (ticket_changes_since). Transaction ids are handed out at first write,
-- not at commit, so a reader cannot take "after the last id I saw" for
-- "new": it re-reads from the oldest transaction still running when it last
-- read (the snapshot's xmin), below which every writer has finished, and
-- remembers what it has already counted above it.
--
-- Rows are kept a few minutes (ticket_changes_prune, from the maintenance
-- job); a reader that has been away longer than a second or two drops its
-- tokens anyway. The schema is the migrations role's alone: the
-- application role reads and prunes through the two functions, and writes
-- only through the triggers, so it learns no other desk's activity.

-- +goose Up
CREATE SCHEMA live;

CREATE TABLE live.ticket_changes (
    xid       xid8        NOT NULL DEFAULT pg_current_xact_id(),
    tenant_id bigint      NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_changes_xid ON live.ticket_changes (xid);

-- +goose StatementBegin
CREATE FUNCTION record_ticket_changes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO live.ticket_changes (tenant_id) SELECT DISTINCT tenant_id FROM changed;
    RETURN NULL;
END
$$;

-- ticket_changes_since returns the rows of transactions from since on
-- (all of them when since is null: none) and, on every row, the horizon:
-- the oldest transaction still running in this statement's snapshot. Every
-- row below the horizon that will ever be visible already is; the next call
-- passes the horizon as since. At least one row comes back (tenant null
-- when there is no change).
CREATE FUNCTION ticket_changes_since(since xid8)
    RETURNS TABLE (tenant_id bigint, xid xid8, horizon xid8)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT c.tenant_id, c.xid, h.x
    FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS x) h
    LEFT JOIN live.ticket_changes c ON c.xid >= since
$$;

-- ticket_changes_prune deletes the rows older than keep and returns how
-- many it deleted.
CREATE FUNCTION ticket_changes_prune(keep interval) RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
    WITH gone AS (DELETE FROM live.ticket_changes WHERE at < now() - keep RETURNING 1)
    SELECT count(*) FROM gone
$$;
-- +goose StatementEnd

REVOKE ALL ON FUNCTION record_ticket_changes(), ticket_changes_since(xid8), ticket_changes_prune(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ticket_changes_since(xid8), ticket_changes_prune(interval) TO PUBLIC;

DROP TRIGGER tickets_updated_notify ON tickets;
DROP TRIGGER tickets_inserted_notify ON tickets;
DROP FUNCTION notify_ticket_changes();

CREATE TRIGGER tickets_inserted_changes AFTER INSERT ON tickets
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION record_ticket_changes();
CREATE TRIGGER tickets_updated_changes AFTER UPDATE ON tickets
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION record_ticket_changes();

-- +goose Down
DROP TRIGGER tickets_updated_changes ON tickets;
DROP TRIGGER tickets_inserted_changes ON tickets;
DROP FUNCTION ticket_changes_prune(interval);
DROP FUNCTION ticket_changes_since(xid8);
DROP FUNCTION record_ticket_changes();
DROP TABLE live.ticket_changes;
DROP SCHEMA live;

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
