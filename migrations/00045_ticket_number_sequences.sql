-- Ticket numbers from one sequence per desk instead of a counter row
-- (issue 18). The counter row of 00002 was bumped by the statement that took
-- the number and stayed locked until commit, so a desk's creations ran one
-- at a time from that statement on: under load, most creations waited on
-- the row (make bench: 139/s at eight at once with the processors half
-- idle). A sequence hands out numbers without a lock held to commit.
--
-- What changes for a desk: numbers still rise with creation order, but a
-- creation that rolls back after taking its number (a crash, a database
-- error) leaves that number unused. Help desks number this way; nothing
-- reads a number as a count any more (the "all" view's count sums
-- ticket_counts).
--
-- The sequences live in schema ticket_numbers, owned by the migrations'
-- role. The application role gets no right on them: it takes a number
-- through next_ticket_number, which refuses any desk but the transaction's
-- own (row-level security's rule, kept by hand since sequences have none).
-- A new desk's sequence is made with its row; ticket_numbers_follow sets a
-- desk's sequence after tickets loaded with their numbers (an import, the
-- benchmark's generator), making it if the load bypassed the trigger.

-- +goose Up
CREATE SCHEMA ticket_numbers;

-- +goose StatementBegin
CREATE FUNCTION next_ticket_number(tenant bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF tenant IS DISTINCT FROM current_tenant() THEN
        RAISE EXCEPTION 'ticket number of desk % asked in desk %', tenant, current_tenant()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN nextval(('ticket_numbers.t' || tenant)::regclass);
END
$$;

CREATE FUNCTION ticket_numbers_follow(tenant bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    last bigint;
    was text := current_setting('app.tenant_id', true);
BEGIN
    IF current_tenant() IS NOT NULL AND tenant <> current_tenant() THEN
        RAISE EXCEPTION 'ticket numbers of desk % set in desk %', tenant, current_tenant()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- A desk loaded with triggers off (a bulk load) has no sequence yet.
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS ticket_numbers.%I AS bigint MINVALUE 1', 't' || tenant);
    -- Row-level security binds this function's owner: read as the desk.
    PERFORM set_config('app.tenant_id', tenant::text, true);
    SELECT max(number) INTO last FROM tickets WHERE tenant_id = tenant;
    PERFORM set_config('app.tenant_id', coalesce(was, ''), true);
    PERFORM setval(('ticket_numbers.t' || tenant)::regclass, coalesce(last, 1), last IS NOT NULL);
    RETURN coalesce(last, 0);
END
$$;

CREATE FUNCTION ticket_numbers_added() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    EXECUTE format('CREATE SEQUENCE ticket_numbers.%I AS bigint MINVALUE 1', 't' || NEW.id);
    RETURN NULL;
END
$$;

CREATE FUNCTION ticket_numbers_removed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    EXECUTE format('DROP SEQUENCE IF EXISTS ticket_numbers.%I', 't' || OLD.id);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

REVOKE ALL ON FUNCTION next_ticket_number(bigint), ticket_numbers_follow(bigint),
    ticket_numbers_added(), ticket_numbers_removed() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION next_ticket_number(bigint), ticket_numbers_follow(bigint) TO PUBLIC;

CREATE TRIGGER tenants_ticket_numbers_added AFTER INSERT ON tenants
    FOR EACH ROW EXECUTE FUNCTION ticket_numbers_added();
CREATE TRIGGER tenants_ticket_numbers_removed AFTER DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION ticket_numbers_removed();

-- The desks already there continue from their counter (row-level security
-- binds the migrations' role too: one desk at a time).
-- +goose StatementBegin
DO $$
DECLARE
    t bigint;
    last bigint;
BEGIN
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        EXECUTE format('CREATE SEQUENCE ticket_numbers.%I AS bigint MINVALUE 1', 't' || t);
        SELECT c.last_number INTO last FROM ticket_counters c WHERE c.tenant_id = t;
        IF last IS NOT NULL THEN
            PERFORM setval(('ticket_numbers.t' || t)::regclass, last);
        END IF;
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd

DROP TABLE ticket_counters;

-- +goose Down
CREATE TABLE ticket_counters (
    tenant_id   bigint PRIMARY KEY REFERENCES tenants (id),
    last_number bigint NOT NULL CHECK (last_number > 0)
);
SELECT isolate_by_tenant('ticket_counters');
-- +goose StatementBegin
DO $$
DECLARE t bigint;
BEGIN
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        INSERT INTO ticket_counters (tenant_id, last_number)
        SELECT t, max(number) FROM tickets WHERE tenant_id = t HAVING max(number) IS NOT NULL;
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd
DROP TRIGGER tenants_ticket_numbers_removed ON tenants;
DROP TRIGGER tenants_ticket_numbers_added ON tenants;
DROP FUNCTION ticket_numbers_removed();
DROP FUNCTION ticket_numbers_added();
DROP FUNCTION ticket_numbers_follow(bigint);
DROP FUNCTION next_ticket_number(bigint);
DROP SCHEMA ticket_numbers CASCADE;
