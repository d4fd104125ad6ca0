-- Counters that concurrent writers do not queue on (issue 18). The sidebar
-- counts (ticket_counts, 00031) and the daily report rollup (report_daily,
-- 00024, 00037) were one row per key, updated by triggers in the ticket's
-- transaction: every creation of a desk on one day added to the same two
-- rows and held them until commit, so a desk's creations ran one at a time
-- from its first write on (measured by make bench once numbers no longer
-- held them: the next wait in line).
--
-- Now a key may have several rows, told apart by slot. A writer adds to the
-- lowest slot no other transaction holds (FOR UPDATE SKIP LOCKED) and, when
-- every slot is held, opens the next one; readers already sum the rows of
-- what they count, so they are unchanged. A key has as many slots as
-- writers ever raced on it, most keys one; none is waited for but by two
-- transactions opening the same new slot at once.

-- +goose Up
ALTER TABLE ticket_counts ADD COLUMN slot smallint NOT NULL DEFAULT 0;
ALTER TABLE ticket_counts DROP CONSTRAINT ticket_counts_key;
ALTER TABLE ticket_counts ADD CONSTRAINT ticket_counts_key
    UNIQUE NULLS NOT DISTINCT (tenant_id, status, assignee_id, group_id, slot);

-- +goose StatementBegin
CREATE FUNCTION ticket_counts_add(k_tenant bigint, k_status text, k_assignee bigint, k_group bigint, d bigint)
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOOP
        UPDATE ticket_counts c SET n = c.n + d
        WHERE c.ctid = (SELECT x.ctid FROM ticket_counts x
            WHERE x.tenant_id = k_tenant AND x.status = k_status
                AND x.assignee_id IS NOT DISTINCT FROM k_assignee AND x.group_id IS NOT DISTINCT FROM k_group
            ORDER BY x.slot LIMIT 1 FOR UPDATE SKIP LOCKED);
        IF FOUND THEN
            RETURN;
        END IF;
        -- Every slot is held (or none exists): open the next one. Another
        -- transaction opening it at the same moment makes this wait and
        -- insert nothing; the next round adds to a slot then.
        INSERT INTO ticket_counts (tenant_id, status, assignee_id, group_id, slot, n)
        SELECT k_tenant, k_status, k_assignee, k_group, coalesce(max(x.slot) + 1, 0), d
        FROM ticket_counts x
        WHERE x.tenant_id = k_tenant AND x.status = k_status
            AND x.assignee_id IS NOT DISTINCT FROM k_assignee AND x.group_id IS NOT DISTINCT FROM k_group
        ON CONFLICT DO NOTHING;
        IF FOUND THEN
            RETURN;
        END IF;
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION count_tickets_inserted() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ticket_counts_add(tenant_id, status, assignee_id, group_id, d)
    FROM (SELECT tenant_id, status, assignee_id, group_id, count(*) AS d FROM added
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4) x;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION count_tickets_updated() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ticket_counts_add(tenant_id, status, assignee_id, group_id, d)
    FROM (SELECT tenant_id, status, assignee_id, group_id, sum(d) AS d FROM (
            SELECT tenant_id, status, assignee_id, group_id, 1 AS d FROM after_rows
            UNION ALL
            SELECT tenant_id, status, assignee_id, group_id, -1 FROM before_rows) y
        GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4) x;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION count_tickets_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ticket_counts_add(tenant_id, status, assignee_id, group_id, d)
    FROM (SELECT tenant_id, status, assignee_id, group_id, -count(*) AS d FROM removed
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4) x;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

ALTER TABLE report_daily ADD COLUMN slot smallint NOT NULL DEFAULT 0;
ALTER TABLE report_daily DROP CONSTRAINT report_daily_pkey;
ALTER TABLE report_daily ADD PRIMARY KEY
    (tenant_id, day, group_id, assignee_id, category_id, organisation_id, sla_policy_id, channel, priority, slot);

-- report_daily_of returns rows of report_daily, which has grown a column.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION report_daily_of(m ticket_metrics, tz text, sign integer) RETURNS SETOF report_daily
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
        sign * d.d, 0::smallint
    FROM (VALUES ((m.created_at AT TIME ZONE tz)::date, 1, 0, 0),
            ((m.solved_at AT TIME ZONE tz)::date, 0, 1, 0),
            ((m.done_at AT TIME ZONE tz)::date, 0, 0, 1)) AS d(day, c, s, d)
    WHERE d.day IS NOT NULL
$$;

-- report_daily_add adds delta (a rollup row of changes) to its key's
-- lowest free slot, or to a new slot. A new slot opened by another
-- transaction at the same moment makes the insert wait for it and do
-- nothing; the next round finds that slot (or another) to add to.
CREATE FUNCTION report_daily_add(x report_daily) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    LOOP
        UPDATE report_daily r SET created = r.created + x.created, escalated = r.escalated + x.escalated,
            frt_achieved = r.frt_achieved + x.frt_achieved, frt_breached = r.frt_breached + x.frt_breached,
            frt_active = r.frt_active + x.frt_active,
            nrt_achieved = r.nrt_achieved + x.nrt_achieved, nrt_breached = r.nrt_breached + x.nrt_breached,
            nrt_active = r.nrt_active + x.nrt_active,
            res_achieved = r.res_achieved + x.res_achieved, res_breached = r.res_breached + x.res_breached,
            res_active = r.res_active + x.res_active, breached = r.breached + x.breached,
            solved = r.solved + x.solved, fcr = r.fcr + x.fcr, reopened = r.reopened + x.reopened,
            reopens = r.reopens + x.reopens, touches = r.touches + x.touches,
            rated = r.rated + x.rated, csat_sum = r.csat_sum + x.csat_sum, done = r.done + x.done
        WHERE r.ctid = (SELECT k.ctid FROM report_daily k
            WHERE (k.tenant_id, k.day, k.group_id, k.assignee_id, k.category_id, k.organisation_id, k.sla_policy_id,
                k.channel, k.priority) = (x.tenant_id, x.day, x.group_id, x.assignee_id, x.category_id,
                x.organisation_id, x.sla_policy_id, x.channel, x.priority)
            ORDER BY k.slot LIMIT 1 FOR UPDATE SKIP LOCKED);
        IF FOUND THEN
            RETURN;
        END IF;
        x.slot := coalesce((SELECT max(k.slot) + 1 FROM report_daily k
            WHERE (k.tenant_id, k.day, k.group_id, k.assignee_id, k.category_id, k.organisation_id, k.sla_policy_id,
                k.channel, k.priority) = (x.tenant_id, x.day, x.group_id, x.assignee_id, x.category_id,
                x.organisation_id, x.sla_policy_id, x.channel, x.priority)), 0);
        INSERT INTO report_daily SELECT x.* ON CONFLICT DO NOTHING;
        IF FOUND THEN
            RETURN;
        END IF;
    END LOOP;
END
$$;

-- As 00037, but each summed row goes to report_daily_add.
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
    PERFORM report_daily_add(s::report_daily) FROM (
        SELECT x.tenant_id, x.day, x.group_id, x.assignee_id, x.category_id, x.organisation_id, x.sla_policy_id,
            x.channel, x.priority, sum(x.created)::int, sum(x.escalated)::int,
            sum(x.frt_achieved)::int, sum(x.frt_breached)::int, sum(x.frt_active)::int,
            sum(x.nrt_achieved)::int, sum(x.nrt_breached)::int, sum(x.nrt_active)::int,
            sum(x.res_achieved)::int, sum(x.res_breached)::int, sum(x.res_active)::int, sum(x.breached)::int,
            sum(x.solved)::int, sum(x.fcr)::int, sum(x.reopened)::int, sum(x.reopens)::int, sum(x.touches)::int,
            sum(x.rated)::int, sum(x.csat_sum)::int, sum(x.done)::int, 0::smallint
        FROM unnest(delta) x
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        HAVING sum(x.created) <> 0 OR sum(x.escalated) <> 0 OR sum(x.frt_achieved) <> 0 OR sum(x.frt_breached) <> 0
            OR sum(x.frt_active) <> 0 OR sum(x.nrt_achieved) <> 0 OR sum(x.nrt_breached) <> 0
            OR sum(x.nrt_active) <> 0 OR sum(x.res_achieved) <> 0 OR sum(x.res_breached) <> 0
            OR sum(x.res_active) <> 0 OR sum(x.breached) <> 0 OR sum(x.solved) <> 0 OR sum(x.fcr) <> 0
            OR sum(x.reopened) <> 0 OR sum(x.reopens) <> 0 OR sum(x.touches) <> 0 OR sum(x.rated) <> 0
            OR sum(x.csat_sum) <> 0 OR sum(x.done) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9) s;
    RETURN NULL;
END
$fn$;
-- +goose StatementEnd

-- +goose Down
-- Folds every key's slots into one row, then puts 00037's functions back.
-- +goose StatementBegin
DO $$
DECLARE t bigint;
BEGIN
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        WITH gone AS (DELETE FROM ticket_counts WHERE tenant_id = t AND slot > 0 RETURNING *),
        folded AS (SELECT tenant_id, status, assignee_id, group_id, sum(n) AS n FROM gone GROUP BY 1, 2, 3, 4)
        INSERT INTO ticket_counts AS c (tenant_id, status, assignee_id, group_id, slot, n)
        SELECT tenant_id, status, assignee_id, group_id, 0, n FROM folded
        ON CONFLICT ON CONSTRAINT ticket_counts_key DO UPDATE SET n = c.n + excluded.n;
        PERFORM report_daily_rebuild(t);
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd
DROP FUNCTION report_daily_add(report_daily);
DROP FUNCTION ticket_counts_add(bigint, text, bigint, bigint, bigint);
ALTER TABLE ticket_counts DROP CONSTRAINT ticket_counts_key;
ALTER TABLE ticket_counts DROP COLUMN slot;
ALTER TABLE ticket_counts ADD CONSTRAINT ticket_counts_key
    UNIQUE NULLS NOT DISTINCT (tenant_id, status, assignee_id, group_id);
ALTER TABLE report_daily DROP CONSTRAINT report_daily_pkey;
ALTER TABLE report_daily DROP COLUMN slot;
ALTER TABLE report_daily ADD PRIMARY KEY
    (tenant_id, day, group_id, assignee_id, category_id, organisation_id, sla_policy_id, channel, priority);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION report_daily_of(m ticket_metrics, tz text, sign integer) RETURNS SETOF report_daily
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
