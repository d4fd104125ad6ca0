-- Automation (issue 7, items 7 and 8): triggers and time-based rules, what
-- they did, the notifications they ask for, and the pending reminder.
--
--   * automation_rules holds both kinds. A trigger ('trigger') runs when a
--     ticket is created and/or updated; a time-based rule ('timed') runs
--     when `hours` have passed since an anchor instant of the ticket
--     (created, updated, pending since, solved since). Conditions and
--     actions are small typed lists the domain validates; they are stored
--     as jsonb because they are read and written whole, never queried.
--     cursor_at/cursor_id is how far the time-based scan has got (see
--     docs/routing.md): anchors only move forward, so each (ticket, anchor)
--     pair is looked at once; saving a rule resets it.
--   * automation_runs makes "a rule never fires twice on the same ticket
--     for the same update" a unique key: run_key is the ticket version a
--     trigger cascade started from, or the anchor instant (microseconds) of
--     a time-based rule.
--   * notification_intents are the messages automation and the pending
--     reminder ask for, until the email channel sends them (sent_at).
--     dedupe_key makes the pending reminder once per pending period.
--   * automation_settings holds the pending reminder delay (0: off).
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd with current_tenant().

-- +goose Up
CREATE TABLE automation_rules (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    kind       text NOT NULL CHECK (kind IN ('trigger', 'timed')),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    active     boolean NOT NULL DEFAULT true,
    position   integer NOT NULL DEFAULT 0,
    on_event   text NOT NULL DEFAULT '' CHECK (on_event IN ('', 'created', 'updated', 'created_or_updated')),
    anchor     text NOT NULL DEFAULT '' CHECK (anchor IN ('', 'created', 'updated', 'pending', 'solved')),
    hours      integer NOT NULL DEFAULT 0 CHECK (hours BETWEEN 0 AND 8760),
    conditions jsonb NOT NULL DEFAULT '[]',
    actions    jsonb NOT NULL DEFAULT '[]',
    cursor_at  timestamptz,
    cursor_id  bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, kind, name),
    CHECK ((kind = 'trigger') = (on_event <> '')),
    CHECK ((kind = 'timed') = (anchor <> '' AND hours > 0))
);
-- Triggers in order, on every ticket change: a tiny index-only read.
CREATE INDEX automation_rules_active ON automation_rules (tenant_id, kind, position, id) WHERE active;

CREATE TABLE automation_runs (
    tenant_id bigint NOT NULL,
    rule_id   bigint NOT NULL,
    ticket_id bigint NOT NULL,
    run_key   bigint NOT NULL,
    at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, rule_id, ticket_id, run_key),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES automation_rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);

CREATE TABLE notification_intents (
    tenant_id  bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    ticket_id  bigint NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('automation', 'pending_reminder')),
    recipient  text NOT NULL CHECK (recipient IN ('requester', 'assignee', 'group')),
    rule_id    bigint,
    message    text NOT NULL DEFAULT '' CHECK (octet_length(message) <= 65536),
    dedupe_key text,
    created_at timestamptz NOT NULL,
    sent_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, ticket_id, kind, dedupe_key),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES automation_rules (tenant_id, id) ON DELETE SET NULL (rule_id)
);
-- The sender's work list.
CREATE INDEX notification_intents_unsent ON notification_intents (tenant_id, created_at, id) WHERE sent_at IS NULL;

CREATE TABLE automation_settings (
    tenant_id              bigint PRIMARY KEY REFERENCES tenants (id),
    pending_reminder_after interval NOT NULL DEFAULT '0' CHECK (pending_reminder_after >= '0')
);

-- Time-based rules on "hours since created" walk unsolved tickets by
-- creation; the other anchors reuse tickets_open_updated and
-- tickets_waiting.
CREATE INDEX tickets_open_created ON tickets (tenant_id, created_at, id)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');

SELECT isolate_by_tenant('automation_rules', 'automation_runs', 'notification_intents', 'automation_settings');

-- +goose Down
DROP INDEX tickets_open_created;
DROP TABLE automation_settings;
DROP TABLE notification_intents;
DROP TABLE automation_runs;
DROP TABLE automation_rules;
