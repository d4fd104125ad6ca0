-- The last conditions and anchor of issue 21.
--
--   * tickets.requester_waiting_since is the instant of the requester's
--     last public message that no public agent reply has followed (NULL
--     while nobody waits): the ticket's own transaction keeps it, and the
--     time-based anchor "since the requester's last message without an
--     answer" walks it through tickets_requester_waiting, as the other
--     anchors walk theirs.
--   * automation_rules.anchor accepts that anchor ('requester_waiting').
--
-- Existing unsolved tickets are filled in from their comments (the
-- requester's last public one, or the creation). The two
-- tables FORCE row-level security, which binds their owner too; the
-- backfill lifts it for its one statement, inside the migration's
-- transaction.

-- +goose Up
ALTER TABLE tickets ADD COLUMN requester_waiting_since timestamptz;

ALTER TABLE tickets NO FORCE ROW LEVEL SECURITY;
ALTER TABLE comments NO FORCE ROW LEVEL SECURITY;
UPDATE tickets t SET requester_waiting_since = w.at
FROM (SELECT x.tenant_id, x.id,
        coalesce((SELECT max(c.created_at) FROM comments c WHERE c.tenant_id = x.tenant_id AND c.ticket_id = x.id
            AND c.visibility = 'public' AND c.author_kind = 'customer'), x.created_at) AS at
      FROM tickets x WHERE x.status IN ('new', 'open', 'pending', 'on_hold')) w
WHERE t.tenant_id = w.tenant_id AND t.id = w.id
  AND NOT EXISTS (SELECT 1 FROM comments a WHERE a.tenant_id = t.tenant_id AND a.ticket_id = t.id
      AND a.visibility = 'public' AND a.author_kind = 'agent' AND a.created_at >= w.at);
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
ALTER TABLE comments FORCE ROW LEVEL SECURITY;

CREATE INDEX tickets_requester_waiting ON tickets (tenant_id, requester_waiting_since, id)
    WHERE requester_waiting_since IS NOT NULL AND status IN ('new', 'open', 'pending', 'on_hold');

ALTER TABLE automation_rules DROP CONSTRAINT automation_rules_anchor_check;
ALTER TABLE automation_rules ADD CONSTRAINT automation_rules_anchor_check
    CHECK (anchor IN ('', 'created', 'updated', 'pending', 'solved', 'requester_waiting'));

-- +goose Down
DELETE FROM automation_rules WHERE anchor = 'requester_waiting';
ALTER TABLE automation_rules DROP CONSTRAINT automation_rules_anchor_check;
ALTER TABLE automation_rules ADD CONSTRAINT automation_rules_anchor_check
    CHECK (anchor IN ('', 'created', 'updated', 'pending', 'solved'));
DROP INDEX tickets_requester_waiting;
ALTER TABLE tickets DROP COLUMN requester_waiting_since;
