-- Presence reports (00006) live for helpdesk.PresenceTTL, 30 seconds, and
-- most views of a larger desk's tickets are first views, which insert one
-- (make bench, medium: the insert was the costliest statement of the
-- ticket page). An unlogged table writes no WAL for its rows: nothing of
-- a report goes to the log, to a replica or to a backup. What that gives
-- up is nothing a report needs: after a crash PostgreSQL empties the
-- table, and the workspaces open then report again within 10 seconds; a
-- replica never reads presence (reports read tickets, not who is looking).

-- +goose Up
ALTER TABLE ticket_presence SET UNLOGGED;

-- +goose Down
ALTER TABLE ticket_presence SET LOGGED;
