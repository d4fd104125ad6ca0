-- Sidebar counts that do not scan the backlog (issue 18). Every console page
-- counts the built-in views (mine, unassigned, my groups, pending, on hold,
-- solved); with count(*) their cost grew with the desk's backlog. The views
-- filter on status, assignee and group only, so ticket_counts keeps how many
-- tickets each (status, assignee, group) combination holds, maintained by
-- statement-level triggers in the same transaction as the ticket change:
-- a count read after a commit is exact, on every server, with no cache.
--
-- The columns are named as in tickets, with NULL for "nobody" and "no
-- group" (NULLS NOT DISTINCT keeps one row per combination), so the store
-- answers a view's count with the view's own WHERE clause over this table.
--
-- Each statement applies its net change per combination, in key order, and
-- skips combinations whose count did not move: an update that touches no
-- status, assignee or group locks no counter row, and two transactions lock
-- the rows they share in the same order (no deadlock between them).

-- +goose Up
CREATE TABLE ticket_counts (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    status       text NOT NULL,
    assignee_id  bigint,
    group_id     bigint,
    n            bigint NOT NULL,
    CONSTRAINT ticket_counts_key UNIQUE NULLS NOT DISTINCT (tenant_id, status, assignee_id, group_id)
);

SELECT isolate_by_tenant('ticket_counts');

-- +goose StatementBegin
CREATE FUNCTION count_tickets_inserted() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_counts AS c (tenant_id, status, assignee_id, group_id, n)
    SELECT tenant_id, status, assignee_id, group_id, count(*) FROM added
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT ticket_counts_key DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END
$$;

CREATE FUNCTION count_tickets_updated() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_counts AS c (tenant_id, status, assignee_id, group_id, n)
    SELECT tenant_id, status, assignee_id, group_id, sum(d) FROM (
        SELECT tenant_id, status, assignee_id, group_id, 1 AS d FROM after_rows
        UNION ALL
        SELECT tenant_id, status, assignee_id, group_id, -1 FROM before_rows) x
    GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT ticket_counts_key DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END
$$;

CREATE FUNCTION count_tickets_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_counts AS c (tenant_id, status, assignee_id, group_id, n)
    SELECT tenant_id, status, assignee_id, group_id, -count(*) FROM removed
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT ticket_counts_key DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER tickets_inserted_count AFTER INSERT ON tickets
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION count_tickets_inserted();
CREATE TRIGGER tickets_updated_count AFTER UPDATE ON tickets
    REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_tickets_updated();
CREATE TRIGGER tickets_deleted_count AFTER DELETE ON tickets
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION count_tickets_deleted();

-- The tickets already there, one tenant at a time (row-level security binds
-- the migrations' role too).
-- +goose StatementBegin
DO $$
DECLARE t bigint;
BEGIN
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        INSERT INTO ticket_counts (tenant_id, status, assignee_id, group_id, n)
        SELECT tenant_id, status, assignee_id, group_id, count(*) FROM tickets
        WHERE tenant_id = t GROUP BY 1, 2, 3, 4;
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER tickets_deleted_count ON tickets;
DROP TRIGGER tickets_updated_count ON tickets;
DROP TRIGGER tickets_inserted_count ON tickets;
DROP FUNCTION count_tickets_deleted();
DROP FUNCTION count_tickets_updated();
DROP FUNCTION count_tickets_inserted();
DROP TABLE ticket_counts;
