-- The daily report rollup: per tenant, local day and dimension set, the
-- counts and sums the report overview, series and breakdowns add up, so a
-- year's overview reads a few thousand rollup rows instead of every
-- ticket's metric row (docs/metrics.md, "Scale").
--
--   * report_daily: one row per (tenant, local day in the desk's time zone,
--     group, assignee, category, organisation, SLA policy, channel,
--     priority); -1 stands for "none" in the id columns (as in the report
--     filters), so the key has no NULLs. A ticket counts on up to three
--     days: the day it was created (created, escalated, SLA outcomes), the
--     day it was solved (solved, FCR, reopens, touches, CSAT) and the day
--     it left the backlog (done).
--   * Statement triggers on ticket_metrics keep it exact in the ticket's
--     own transaction: they add the new rows' contributions and take away
--     the old rows', in one upsert ordered by key (within a statement, rows
--     are locked in one order). The cost: two transactions that change
--     tickets counted in the same rollup row (same desk, day and
--     dimensions) wait for each other's commit; a deadlock between
--     multi-ticket transactions surfaces as helpdesk.ErrConflict. The metric rows are rewritten
--     only by helpdesk.refreshMetrics, so the rollup is never behind them.
--   * report_daily_rebuild(tenant) recomputes a tenant's rollup from its
--     metric rows (atiende reports rebuild, and a change of the desk's time
--     zone, which moves every day boundary).
--   * Medians and p90 are not rolled up: they stay exact on ticket_metrics
--     (a histogram per day would hold about as many rows as the tickets it
--     sums at a realistic desk's volume). The first-reply and solved
--     indexes become covering ones, with the durations and the dimensions
--     the filters name, so the percentiles read the index alone.

-- +goose Up
CREATE TABLE report_daily (
    tenant_id        bigint NOT NULL REFERENCES tenants (id),
    day              date NOT NULL,
    group_id         bigint NOT NULL,
    assignee_id      bigint NOT NULL,
    category_id      bigint NOT NULL,
    organisation_id  bigint NOT NULL,
    sla_policy_id    bigint NOT NULL,
    channel          text NOT NULL,
    priority         text NOT NULL,
    -- by creation day
    created          integer NOT NULL DEFAULT 0,
    escalated        integer NOT NULL DEFAULT 0,
    frt_achieved     integer NOT NULL DEFAULT 0,
    frt_breached     integer NOT NULL DEFAULT 0,
    frt_active       integer NOT NULL DEFAULT 0,
    nrt_achieved     integer NOT NULL DEFAULT 0,
    nrt_breached     integer NOT NULL DEFAULT 0,
    nrt_active       integer NOT NULL DEFAULT 0,
    res_achieved     integer NOT NULL DEFAULT 0,
    res_breached     integer NOT NULL DEFAULT 0,
    res_active       integer NOT NULL DEFAULT 0,
    breached         integer NOT NULL DEFAULT 0,
    -- by solved day
    solved           integer NOT NULL DEFAULT 0,
    fcr              integer NOT NULL DEFAULT 0,
    reopened         integer NOT NULL DEFAULT 0,
    reopens          integer NOT NULL DEFAULT 0,
    touches          integer NOT NULL DEFAULT 0,
    rated            integer NOT NULL DEFAULT 0,
    csat_sum         integer NOT NULL DEFAULT 0,
    -- by the day the ticket left the backlog
    done             integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, group_id, assignee_id, category_id, organisation_id, sla_policy_id, channel, priority)
);

SELECT isolate_by_tenant('report_daily');

CREATE INDEX ticket_metrics_first_reply_cover ON ticket_metrics (tenant_id, first_reply_at)
    INCLUDE (first_reply_s, first_reply_bs, group_id, assignee_id, category_id, organisation_id, channel, priority)
    WHERE first_reply_at IS NOT NULL;
DROP INDEX ticket_metrics_first_reply;
CREATE INDEX ticket_metrics_solved_cover ON ticket_metrics (tenant_id, solved_at)
    INCLUDE (resolution_s, resolution_bs, wait_s, wait_bs, reply_s, reply_bs,
        group_id, assignee_id, category_id, organisation_id, channel, priority)
    WHERE solved_at IS NOT NULL;
DROP INDEX ticket_metrics_solved;

-- The contributions of one metric row, each count multiplied by sign
-- (1 to add the row, -1 to take it away), on the local days of tz.
-- +goose StatementBegin
CREATE FUNCTION report_daily_of(m ticket_metrics, tz text, sign integer) RETURNS SETOF report_daily
    LANGUAGE sql IMMUTABLE AS $$
    SELECT m.tenant_id, d.day, coalesce(m.group_id, -1), coalesce(m.assignee_id, -1),
        coalesce(m.category_id, -1), coalesce(m.organisation_id, -1), coalesce(m.sla_policy_id, -1),
        m.channel, m.priority,
        sign * d.c, sign * (d.c * (m.escalations > 0)::int),
        sign * (d.c * (m.sla_first_reply = 'achieved')::int), sign * (d.c * (m.sla_first_reply = 'breached')::int),
        sign * (d.c * (m.sla_first_reply = 'active')::int),
        sign * (d.c * (m.sla_next_reply = 'achieved')::int), sign * (d.c * (m.sla_next_reply = 'breached')::int),
        sign * (d.c * (m.sla_next_reply = 'active')::int),
        sign * (d.c * (m.sla_resolution = 'achieved')::int), sign * (d.c * (m.sla_resolution = 'breached')::int),
        sign * (d.c * (m.sla_resolution = 'active')::int),
        sign * (d.c * ('breached' IN (m.sla_first_reply, m.sla_next_reply, m.sla_resolution))::int),
        sign * d.s, sign * (d.s * coalesce(m.fcr, false)::int), sign * (d.s * (m.reopens > 0)::int),
        sign * d.s * m.reopens, sign * d.s * m.touches, sign * (d.s * (m.csat IS NOT NULL)::int),
        sign * d.s * coalesce(m.csat, 0),
        sign * d.d
    FROM (VALUES ((m.created_at AT TIME ZONE tz)::date, 1, 0, 0),
            ((m.solved_at AT TIME ZONE tz)::date, 0, 1, 0),
            ((m.done_at AT TIME ZONE tz)::date, 0, 0, 1)) AS d(day, c, s, d)
    WHERE d.day IS NOT NULL
$$;
-- +goose StatementEnd

-- Adds what the statement's new rows bring and takes away what its old rows
-- brought, summed per rollup row (created and solved on one day is one
-- row), in key order, skipping rows whose change nets to nothing (most
-- rewrites of a metric row change no count). Statement-level, over the
-- transition tables: one upsert per statement, however many rows it wrote.
-- +goose StatementBegin
CREATE FUNCTION report_daily_apply() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
DECLARE
    src text;
    added constant text := 'SELECT x.* FROM new_rows m JOIN tenants tn ON tn.id = m.tenant_id, report_daily_of(m, tn.time_zone, 1) x';
    taken constant text := 'SELECT x.* FROM old_rows m JOIN tenants tn ON tn.id = m.tenant_id, report_daily_of(m, tn.time_zone, -1) x';
BEGIN
    src := CASE TG_OP WHEN 'INSERT' THEN added WHEN 'DELETE' THEN taken ELSE added || ' UNION ALL ' || taken END;
    EXECUTE format($q$
    INSERT INTO report_daily AS r
    SELECT x.tenant_id, x.day, x.group_id, x.assignee_id, x.category_id, x.organisation_id, x.sla_policy_id,
        x.channel, x.priority, sum(x.created), sum(x.escalated),
        sum(x.frt_achieved), sum(x.frt_breached), sum(x.frt_active),
        sum(x.nrt_achieved), sum(x.nrt_breached), sum(x.nrt_active),
        sum(x.res_achieved), sum(x.res_breached), sum(x.res_active), sum(x.breached),
        sum(x.solved), sum(x.fcr), sum(x.reopened), sum(x.reopens), sum(x.touches), sum(x.rated),
        sum(x.csat_sum), sum(x.done)
    FROM (%s) x
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    HAVING sum(x.created) <> 0 OR sum(x.escalated) <> 0 OR sum(x.frt_achieved) <> 0 OR sum(x.frt_breached) <> 0
        OR sum(x.frt_active) <> 0 OR sum(x.nrt_achieved) <> 0 OR sum(x.nrt_breached) <> 0
        OR sum(x.nrt_active) <> 0 OR sum(x.res_achieved) <> 0 OR sum(x.res_breached) <> 0
        OR sum(x.res_active) <> 0 OR sum(x.breached) <> 0 OR sum(x.solved) <> 0 OR sum(x.fcr) <> 0
        OR sum(x.reopened) <> 0 OR sum(x.reopens) <> 0 OR sum(x.touches) <> 0 OR sum(x.rated) <> 0
        OR sum(x.csat_sum) <> 0 OR sum(x.done) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ON CONFLICT (tenant_id, day, group_id, assignee_id, category_id, organisation_id, sla_policy_id, channel, priority)
    DO UPDATE SET created = r.created + excluded.created, escalated = r.escalated + excluded.escalated,
        frt_achieved = r.frt_achieved + excluded.frt_achieved, frt_breached = r.frt_breached + excluded.frt_breached,
        frt_active = r.frt_active + excluded.frt_active,
        nrt_achieved = r.nrt_achieved + excluded.nrt_achieved, nrt_breached = r.nrt_breached + excluded.nrt_breached,
        nrt_active = r.nrt_active + excluded.nrt_active,
        res_achieved = r.res_achieved + excluded.res_achieved, res_breached = r.res_breached + excluded.res_breached,
        res_active = r.res_active + excluded.res_active, breached = r.breached + excluded.breached,
        solved = r.solved + excluded.solved, fcr = r.fcr + excluded.fcr, reopened = r.reopened + excluded.reopened,
        reopens = r.reopens + excluded.reopens, touches = r.touches + excluded.touches,
        rated = r.rated + excluded.rated, csat_sum = r.csat_sum + excluded.csat_sum, done = r.done + excluded.done
    $q$, src);
    RETURN NULL;
END
$fn$;
-- +goose StatementEnd

CREATE TRIGGER report_daily_insert AFTER INSERT ON ticket_metrics
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_daily_apply();
CREATE TRIGGER report_daily_update AFTER UPDATE ON ticket_metrics
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_daily_apply();
CREATE TRIGGER report_daily_delete AFTER DELETE ON ticket_metrics
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_daily_apply();

-- Recomputes tenant's rollup from its metric rows; returns the rows written.
-- +goose StatementBegin
CREATE FUNCTION report_daily_rebuild(tenant bigint) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    tz text;
    n bigint;
BEGIN
    SELECT t.time_zone INTO tz FROM tenants t WHERE t.id = tenant;
    DELETE FROM report_daily WHERE tenant_id = tenant;
    INSERT INTO report_daily
    SELECT x.tenant_id, x.day, x.group_id, x.assignee_id, x.category_id, x.organisation_id, x.sla_policy_id,
        x.channel, x.priority, sum(x.created), sum(x.escalated),
        sum(x.frt_achieved), sum(x.frt_breached), sum(x.frt_active),
        sum(x.nrt_achieved), sum(x.nrt_breached), sum(x.nrt_active),
        sum(x.res_achieved), sum(x.res_breached), sum(x.res_active), sum(x.breached),
        sum(x.solved), sum(x.fcr), sum(x.reopened), sum(x.reopens), sum(x.touches), sum(x.rated),
        sum(x.csat_sum), sum(x.done)
    FROM ticket_metrics m, report_daily_of(m, tz, 1) x
    WHERE m.tenant_id = tenant
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
-- +goose StatementEnd

-- A new time zone moves every local day: rebuild that desk's rollup.
-- +goose StatementBegin
CREATE FUNCTION report_daily_rezone() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_daily_rebuild(NEW.id);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER report_daily_rezone AFTER UPDATE OF time_zone ON tenants
    FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
    EXECUTE FUNCTION report_daily_rezone();

-- The metric rows that existed before the rollup, tenant by tenant: row-level
-- security is forced on the owner too, so each pass sets its tenant.
-- +goose StatementBegin
DO $$
DECLARE
    t bigint;
BEGIN
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        PERFORM report_daily_rebuild(t);
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER report_daily_rezone ON tenants;
DROP FUNCTION report_daily_rezone();
DROP FUNCTION report_daily_rebuild(bigint);
DROP TRIGGER report_daily_delete ON ticket_metrics;
DROP TRIGGER report_daily_update ON ticket_metrics;
DROP TRIGGER report_daily_insert ON ticket_metrics;
DROP FUNCTION report_daily_apply();
DROP FUNCTION report_daily_of(ticket_metrics, text, integer);
DROP TABLE report_daily;
CREATE INDEX ticket_metrics_solved ON ticket_metrics (tenant_id, solved_at) WHERE solved_at IS NOT NULL;
DROP INDEX ticket_metrics_solved_cover;
CREATE INDEX ticket_metrics_first_reply ON ticket_metrics (tenant_id, first_reply_at) WHERE first_reply_at IS NOT NULL;
DROP INDEX ticket_metrics_first_reply_cover;
