-- +goose Up
-- The ticket page shows how many ratings the ticket's requester has given
-- and their average (workspaceScalarsSQL) on every view. Without an index
-- on the rater that read went through every rating of the desk, a cost that
-- grew with the desk's history rather than with the requester's.
CREATE INDEX satisfaction_ratings_rated_by ON satisfaction_ratings (tenant_id, rated_by, rating)
    WHERE rated_by IS NOT NULL;

-- +goose Down
DROP INDEX satisfaction_ratings_rated_by;
