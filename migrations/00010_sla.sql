-- The SLA engine (issue 7, items 1–5): business calendars, policies with
-- per-priority targets and an escalation ladder, and per-ticket clocks.
--
--   * sla_calendars: a time zone, the hours of each weekday as text in
--     helpdesk.FormatIntervals form ("09:00-14:00, 15:00-18:00", '' closed),
--     holidays as "YYYY-MM-DD name" (once) or "MM-DD name" (every year).
--   * sla_policies: the tenant's ordered list (position); conditions are
--     arrays, empty meaning "any"; calendar_id NULL counts calendar hours.
--     sla_targets holds minutes per priority and metric (NULL: no target);
--     sla_escalations the ladder (percent of the target; 100 is the breach).
--   * sla_clock_events: append-only record of what each clock did
--     (activate, pause, resume, fulfil, stop, breach, escalate, apply).
--     Deadlines are derived from it with the current policy and calendar,
--     so a changed policy or calendar recomputes them; a breach or an
--     escalation, once recorded, stays, and the unique indexes make each
--     happen at most once per clock cycle (and level).
--   * sla_clocks: the derived state, one small row per ticket and metric,
--     kept out of the tickets row (which is wide and rewritten with all its
--     indexes). tickets.next_due_at (00002) keeps only the earliest due
--     instant of the running clocks, for the "due" queue sort.
--
-- The scan of due clocks is the one cross-tenant read: sla_clocks_check
-- leads with next_check_at (not tenant_id) so that the scan is a range
-- scan over due rows only, and the policy sla_clocks_scan lets a
-- transaction with NO tenant set and app.sla_scan = 'on' read sla_clocks
-- rows, which hold ids, states and instants only, never tenant content.
-- The worker then opens one tenant-bound transaction per ticket (see
-- docs/sla.md and docs/database.md).

-- +goose Up
CREATE TABLE sla_calendars (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    time_zone  text NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    -- Seven entries, Sunday first (time.Weekday).
    hours      text[] NOT NULL CHECK (cardinality(hours) = 7),
    holidays   text[] NOT NULL DEFAULT '{}' CHECK (cardinality(holidays) <= 400),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE sla_policies (
    tenant_id      bigint NOT NULL REFERENCES tenants (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    position       integer NOT NULL,
    priorities     text[] NOT NULL DEFAULT '{}'
        CHECK (priorities <@ ARRAY['low', 'normal', 'high', 'urgent']),
    channels       text[] NOT NULL DEFAULT '{}'
        CHECK (channels <@ ARRAY['web', 'email', 'api', 'phone', 'chat']),
    -- Ids of the tenant's categories, organisations and groups; the domain
    -- checks them when the policy is saved. Arrays cannot carry foreign
    -- keys; a deleted row simply never matches.
    category_ids     bigint[] NOT NULL DEFAULT '{}',
    organisation_ids bigint[] NOT NULL DEFAULT '{}',
    group_ids        bigint[] NOT NULL DEFAULT '{}',
    calendar_id    bigint,
    pause_on_hold  boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, calendar_id) REFERENCES sla_calendars (tenant_id, id)
);
CREATE INDEX sla_policies_order ON sla_policies (tenant_id, position, id);

CREATE TABLE sla_targets (
    tenant_id   bigint NOT NULL,
    policy_id   bigint NOT NULL,
    priority    text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    first_reply integer CHECK (first_reply > 0),
    next_reply  integer CHECK (next_reply > 0),
    resolution  integer CHECK (resolution > 0),
    PRIMARY KEY (tenant_id, policy_id, priority),
    FOREIGN KEY (tenant_id, policy_id) REFERENCES sla_policies (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE sla_escalations (
    tenant_id       bigint NOT NULL,
    policy_id       bigint NOT NULL,
    level           integer NOT NULL CHECK (level BETWEEN 1 AND 20),
    metric          text NOT NULL DEFAULT '' CHECK (metric IN ('', 'first_reply', 'next_reply', 'resolution')),
    percent         integer NOT NULL CHECK (percent BETWEEN 1 AND 100),
    notify_assignee boolean NOT NULL DEFAULT false,
    notify_leads    boolean NOT NULL DEFAULT false,
    notify_admins   boolean NOT NULL DEFAULT false,
    raise_priority  boolean NOT NULL DEFAULT false,
    assign_to       bigint,
    next_tier       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, policy_id, level),
    FOREIGN KEY (tenant_id, policy_id) REFERENCES sla_policies (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, assign_to) REFERENCES users (tenant_id, id)
);

-- The tenant's choice for the "Por vencer" view; default one hour.
CREATE TABLE sla_settings (
    tenant_id   bigint PRIMARY KEY REFERENCES tenants (id),
    soon_window interval NOT NULL DEFAULT '1 hour'
        CHECK (soon_window >= '1 minute' AND soon_window <= '7 days')
);

CREATE TABLE sla_clock_events (
    tenant_id bigint NOT NULL,
    id        bigint GENERATED ALWAYS AS IDENTITY,
    ticket_id bigint NOT NULL,
    metric    text NOT NULL CHECK (metric IN ('first_reply', 'next_reply', 'resolution')),
    kind      text NOT NULL CHECK (kind IN ('activate', 'pause', 'resume', 'fulfil', 'stop', 'breach', 'escalate', 'apply')),
    at        timestamptz NOT NULL,
    cycle     integer NOT NULL CHECK (cycle >= 1),
    -- The policy that applied (apply, breach, escalate); no foreign key:
    -- history outlives a deleted policy.
    policy_id bigint,
    level     integer,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    CHECK ((kind = 'escalate') = (level IS NOT NULL))
);
CREATE INDEX sla_clock_events_ticket ON sla_clock_events (tenant_id, ticket_id, id);
-- Once per cycle: a breach, and each level of the ladder.
CREATE UNIQUE INDEX sla_clock_events_breach_once ON sla_clock_events (tenant_id, ticket_id, metric, cycle)
    WHERE kind = 'breach';
CREATE UNIQUE INDEX sla_clock_events_level_once ON sla_clock_events (tenant_id, ticket_id, metric, cycle, policy_id, level)
    WHERE kind = 'escalate';

CREATE TABLE sla_clocks (
    tenant_id      bigint NOT NULL,
    ticket_id      bigint NOT NULL,
    metric         text NOT NULL CHECK (metric IN ('first_reply', 'next_reply', 'resolution')),
    state          text NOT NULL CHECK (state IN ('running', 'paused', 'fulfilled', 'stopped')),
    cycle          integer NOT NULL CHECK (cycle >= 1),
    policy_id      bigint,
    target_minutes integer,
    started_at     timestamptz NOT NULL,
    due_at         timestamptz,
    breached_at    timestamptz,
    -- The next instant the scan must look at this clock (a warning level
    -- or the breach); NULL when nothing is pending.
    next_check_at  timestamptz,
    PRIMARY KEY (tenant_id, ticket_id, metric),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX sla_clocks_check ON sla_clocks (next_check_at)
    WHERE state = 'running' AND next_check_at IS NOT NULL;

SELECT isolate_by_tenant('sla_calendars', 'sla_policies', 'sla_targets', 'sla_escalations',
    'sla_settings', 'sla_clocks');

CREATE POLICY sla_clocks_scan ON sla_clocks FOR SELECT
    USING (current_tenant() IS NULL AND current_setting('app.sla_scan', true) = 'on');

ALTER TABLE sla_clock_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE sla_clock_events FORCE ROW LEVEL SECURITY;
CREATE POLICY sla_clock_events_read ON sla_clock_events FOR SELECT
    USING (tenant_id = current_tenant());
CREATE POLICY sla_clock_events_append ON sla_clock_events FOR INSERT
    WITH CHECK (tenant_id = current_tenant());
REVOKE UPDATE, DELETE, TRUNCATE ON sla_clock_events FROM CURRENT_USER;

-- +goose Down
DROP TABLE sla_clocks;
DROP TABLE sla_clock_events;
DROP TABLE sla_settings;
DROP TABLE sla_escalations;
DROP TABLE sla_targets;
DROP TABLE sla_policies;
DROP TABLE sla_calendars;
