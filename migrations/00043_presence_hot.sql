-- +goose Up
-- The presence report of every ticket view upserts one row of
-- ticket_presence. Its seen_at was indexed (ticket_presence_seen) for the
-- prune of expired rows, so refreshing a report was never a HOT update:
-- each one added entries to both indexes and left a dead tuple behind,
-- and the readers of the ticket's reports walked those entries. The prune
-- now runs at most every few seconds per tenant and per server
-- (internal/postgres/presence.go), and finds a tenant's expired rows
-- through the primary key, which tenant_id leads; without the index a
-- refresh changes no indexed column and, with room left on the page,
-- stays on it (HOT).
DROP INDEX ticket_presence_seen;
ALTER TABLE ticket_presence SET (fillfactor = 50);

-- +goose Down
ALTER TABLE ticket_presence RESET (fillfactor);
CREATE INDEX ticket_presence_seen ON ticket_presence (tenant_id, seen_at);
