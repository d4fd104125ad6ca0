-- +goose Up
-- The reports' rollup trigger (00024) built its upsert as dynamic SQL, so
-- PostgreSQL planned it again on every call, and a ticket_metrics upsert
-- (INSERT … ON CONFLICT DO UPDATE) fires both the insert and the update
-- statement triggers: measured with auto_explain, two plannings of about
-- 12 ms each, most of the database time of one ticket's creation on a
-- loaded machine. Now the statement's contributions are gathered into an
-- array and one static upsert, planned once per connection (a generic
-- plan: the array is its only parameter), adds them; a
-- statement that changed no row (the update trigger of a plain insert)
-- returns at once. The rollup's rows and their lock order are unchanged.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION report_daily_apply() RETURNS trigger
    LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $fn$
DECLARE
    delta report_daily[];
    taken report_daily[];
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT array_agg(x) INTO delta
        FROM new_rows m JOIN tenants tn ON tn.id = m.tenant_id, report_daily_of(m, tn.time_zone, 1) x;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        SELECT array_agg(x) INTO taken
        FROM old_rows m JOIN tenants tn ON tn.id = m.tenant_id, report_daily_of(m, tn.time_zone, -1) x;
        delta := delta || taken;
    END IF;
    IF delta IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO report_daily AS r
    SELECT x.tenant_id, x.day, x.group_id, x.assignee_id, x.category_id, x.organisation_id, x.sla_policy_id,
        x.channel, x.priority, sum(x.created), sum(x.escalated),
        sum(x.frt_achieved), sum(x.frt_breached), sum(x.frt_active),
        sum(x.nrt_achieved), sum(x.nrt_breached), sum(x.nrt_active),
        sum(x.res_achieved), sum(x.res_breached), sum(x.res_active), sum(x.breached),
        sum(x.solved), sum(x.fcr), sum(x.reopened), sum(x.reopens), sum(x.touches), sum(x.rated),
        sum(x.csat_sum), sum(x.done)
    FROM unnest(delta) x
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
        rated = r.rated + excluded.rated, csat_sum = r.csat_sum + excluded.csat_sum, done = r.done + excluded.done;
    RETURN NULL;
END
$fn$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION report_daily_apply() RETURNS trigger
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
