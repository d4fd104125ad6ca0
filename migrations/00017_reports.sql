-- Reports and metrics (issue 13): one metric row per ticket, the views BI
-- tools read, and the binding of BI roles to one tenant.
--
--   * ticket_metrics: what helpdesk.ComputeMetrics derives from a ticket's
--     events and SLA clock events, rewritten in the ticket's own
--     transaction after every change (helpdesk.refreshMetrics), with the
--     ticket's dimensions copied in so that a report reads this one table.
--     Durations are whole seconds, each in calendar (_s) and business (_bs)
--     time; reply times are arrays, one element per reply.
--     Indexes lead with tenant_id and then the instant each report section
--     ranges over: creation, first reply, resolution, leaving the backlog.
--   * bi_* views: security_invoker, so they run with the reader's rights
--     and under its row-level security; documented in docs/metrics.md.
--   * bi_readers: which tenant each BI role may read. A restrictive policy
--     on the tables behind the views ANDs "the role's bound tenant" to the
--     tenant policy, so a BI connection that sets app.tenant_id to another
--     tenant reads nothing. Roles not listed (the application) are not
--     affected. Only the owner writes bi_readers (postgres.GrantApp
--     revokes the application role's writes).

-- +goose Up
CREATE TABLE ticket_metrics (
    tenant_id        bigint NOT NULL,
    ticket_id        bigint NOT NULL,
    number           bigint NOT NULL,
    created_at       timestamptz NOT NULL,
    status           text NOT NULL,
    channel          text NOT NULL,
    priority         text NOT NULL,
    category_id      bigint,
    group_id         bigint,
    assignee_id      bigint,
    organisation_id  bigint,
    sla_policy_id    bigint,
    first_reply_at   timestamptz,
    first_reply_s    integer,
    first_reply_bs   integer,
    reply_s          integer[] NOT NULL DEFAULT '{}',
    reply_bs         integer[] NOT NULL DEFAULT '{}',
    solved_at        timestamptz,
    done_at          timestamptz,
    resolution_s     integer,
    resolution_bs    integer,
    wait_s           integer,
    wait_bs          integer,
    touches          integer NOT NULL DEFAULT 0,
    public_replies   integer NOT NULL DEFAULT 0,
    reopens          integer NOT NULL DEFAULT 0,
    escalations      integer NOT NULL DEFAULT 0,
    fcr              boolean,
    sla_first_reply  text NOT NULL DEFAULT '' CHECK (sla_first_reply IN ('', 'achieved', 'breached', 'active')),
    sla_next_reply   text NOT NULL DEFAULT '' CHECK (sla_next_reply IN ('', 'achieved', 'breached', 'active')),
    sla_resolution   text NOT NULL DEFAULT '' CHECK (sla_resolution IN ('', 'achieved', 'breached', 'active')),
    csat             smallint CHECK (csat BETWEEN 1 AND 5),
    rated_at         timestamptz,
    PRIMARY KEY (tenant_id, ticket_id),
    UNIQUE (tenant_id, number),
    CHECK (cardinality(reply_s) = cardinality(reply_bs)),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX ticket_metrics_created ON ticket_metrics (tenant_id, created_at);
CREATE INDEX ticket_metrics_first_reply ON ticket_metrics (tenant_id, first_reply_at)
    WHERE first_reply_at IS NOT NULL;
CREATE INDEX ticket_metrics_solved ON ticket_metrics (tenant_id, solved_at)
    WHERE solved_at IS NOT NULL;
CREATE INDEX ticket_metrics_done ON ticket_metrics (tenant_id, done_at)
    WHERE done_at IS NOT NULL;
-- The backlog: tickets not done yet, by creation (small, partial).
CREATE INDEX ticket_metrics_open ON ticket_metrics (tenant_id, created_at)
    WHERE done_at IS NULL;

SELECT isolate_by_tenant('ticket_metrics');

-- BI roles and the tenant each may read.
CREATE TABLE bi_readers (
    role_name  name PRIMARY KEY,
    tenant_id  bigint NOT NULL REFERENCES tenants (id)
);

-- The tenant role who is bound to, NULL for roles that are not BI readers.
-- SECURITY DEFINER so a BI role needs no right on bi_readers; the role is
-- an argument because inside the function current_user is its owner. The
-- policies pass current_user, evaluated once per statement (a subquery).
-- +goose StatementBegin
CREATE FUNCTION bi_bound_tenant(who name) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$SELECT tenant_id FROM public.bi_readers WHERE role_name = who$$;
-- +goose StatementEnd

CREATE POLICY bi_bound ON ticket_metrics AS RESTRICTIVE FOR SELECT
    USING (tenant_id = coalesce((SELECT bi_bound_tenant(current_user)), tenant_id));
CREATE POLICY bi_bound ON satisfaction_ratings AS RESTRICTIVE FOR SELECT
    USING (tenant_id = coalesce((SELECT bi_bound_tenant(current_user)), tenant_id));

-- One row per ticket with its metrics; seconds, NULL where not applicable.
CREATE VIEW bi_ticket_metrics WITH (security_invoker = true) AS
SELECT tenant_id, number AS ticket_number, created_at, status, channel, priority,
    category_id, group_id, assignee_id, organisation_id, sla_policy_id,
    first_reply_at, first_reply_s, first_reply_bs,
    cardinality(reply_s) AS replies_measured,
    (SELECT avg(x)::integer FROM unnest(reply_s) AS x) AS mean_reply_s,
    (SELECT avg(x)::integer FROM unnest(reply_bs) AS x) AS mean_reply_bs,
    solved_at, resolution_s, resolution_bs, wait_s AS requester_wait_s, wait_bs AS requester_wait_bs,
    touches, public_replies, reopens, escalations, fcr,
    sla_first_reply, sla_next_reply, sla_resolution, csat, rated_at
FROM ticket_metrics;

-- One row per measured reply time (requester message → agent reply).
CREATE VIEW bi_replies WITH (security_invoker = true) AS
SELECT m.tenant_id, m.number AS ticket_number, r.ord AS reply, r.s AS reply_s, r.bs AS reply_bs
FROM ticket_metrics m, unnest(m.reply_s, m.reply_bs) WITH ORDINALITY AS r(s, bs, ord);

-- One row per ticket and SLA target it had.
CREATE VIEW bi_sla_outcomes WITH (security_invoker = true) AS
SELECT m.tenant_id, m.number AS ticket_number, m.sla_policy_id, o.metric, o.outcome
FROM ticket_metrics m,
    LATERAL (VALUES ('first_reply', m.sla_first_reply), ('next_reply', m.sla_next_reply),
        ('resolution', m.sla_resolution)) AS o(metric, outcome)
WHERE o.outcome <> '';

-- Every rating with its comment.
CREATE VIEW bi_ratings WITH (security_invoker = true) AS
SELECT r.tenant_id, m.number AS ticket_number, r.resolution, r.rating, r.comment, r.solved_at,
    r.created_at AS rated_at, r.updated_at
FROM satisfaction_ratings r
JOIN ticket_metrics m ON m.tenant_id = r.tenant_id AND m.ticket_id = r.ticket_id;

-- +goose Down
DROP VIEW bi_ratings;
DROP VIEW bi_sla_outcomes;
DROP VIEW bi_replies;
DROP VIEW bi_ticket_metrics;
DROP POLICY bi_bound ON satisfaction_ratings;
DROP POLICY bi_bound ON ticket_metrics;
DROP FUNCTION bi_bound_tenant(name);
DROP TABLE bi_readers;
DROP TABLE ticket_metrics;
