-- Automation that explains itself (issue 21).
--
--   * Time-based rules count minutes, not hours ("15 minutes after
--     creation"), and may count them in a business calendar's opening
--     hours (calendar_id, one of the desk's SLA calendars; NULL counts
--     every minute). The scan still walks the anchor indexes of 00011: the
--     domain turns "N business minutes ago" into an instant first.
--   * match_any makes a rule match when any of its conditions holds
--     rather than all of them.
--   * automation_rule_log is each rule's run log: one row per run that
--     matched a ticket, with what changed and every action that failed and
--     why (detail), and the counts the rule list's 7-day counters sum.
--     Rows go with their rule; the ticket's history keeps its own events.
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd with current_tenant().

-- +goose Up
ALTER TABLE automation_rules
    ADD COLUMN minutes integer NOT NULL DEFAULT 0 CHECK (minutes BETWEEN 0 AND 525600),
    ADD COLUMN calendar_id bigint,
    ADD COLUMN match_any boolean NOT NULL DEFAULT false,
    ADD FOREIGN KEY (tenant_id, calendar_id) REFERENCES sla_calendars (tenant_id, id) ON DELETE SET NULL (calendar_id);
UPDATE automation_rules SET minutes = hours * 60;
-- Dropping hours drops the 00011 check that tied it to kind.
ALTER TABLE automation_rules DROP COLUMN hours;
ALTER TABLE automation_rules ADD CONSTRAINT automation_rules_timed_minutes
    CHECK ((kind = 'timed') = (anchor <> '' AND minutes > 0));

CREATE TABLE automation_rule_log (
    tenant_id bigint NOT NULL,
    id        bigint GENERATED ALWAYS AS IDENTITY,
    rule_id   bigint NOT NULL,
    ticket_id bigint NOT NULL,
    at        timestamptz NOT NULL,
    changed   integer NOT NULL CHECK (changed >= 0),
    failed    integer NOT NULL CHECK (failed >= 0),
    detail    jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES automation_rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
-- A rule's latest runs, and its counters over the last days.
CREATE INDEX automation_rule_log_rule ON automation_rule_log (tenant_id, rule_id, at DESC, id DESC);

SELECT isolate_by_tenant('automation_rule_log');

-- +goose Down
DROP TABLE automation_rule_log;
ALTER TABLE automation_rules DROP CONSTRAINT automation_rules_timed_minutes;
ALTER TABLE automation_rules ADD COLUMN hours integer NOT NULL DEFAULT 0 CHECK (hours BETWEEN 0 AND 8760);
UPDATE automation_rules SET hours = LEAST(8760, GREATEST(1, (minutes + 59) / 60)) WHERE kind = 'timed';
ALTER TABLE automation_rules DROP COLUMN calendar_id, DROP COLUMN minutes, DROP COLUMN match_any;
ALTER TABLE automation_rules ADD CHECK ((kind = 'timed') = (anchor <> '' AND hours > 0));
