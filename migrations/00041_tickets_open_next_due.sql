-- +goose Up
-- The sidebar's "due soon" and "overdue" counts (and the lists of those
-- views) could not use tickets_open_due: it indexes
-- coalesce(next_due_at, 'infinity'), and under row-level security
-- PostgreSQL keeps a condition whose expression it cannot prove leakproof
-- (a COALESCE over a column) out of the index condition, so both read
-- every unsolved ticket of the desk and filtered them: at 10,000 tickets
-- "due soon" took 1.2 ms against 0.18 ms at 1,000. Neither view holds a
-- ticket without a target (NULL is never due), so they range over the
-- plain column, which this index serves; tickets_open_due stays for the
-- "due" sort, which orders by the expression without a condition on it.
CREATE INDEX tickets_open_next_due ON tickets (tenant_id, next_due_at, id)
    WHERE status IN ('new', 'open', 'pending', 'on_hold') AND next_due_at IS NOT NULL;

-- +goose Down
DROP INDEX tickets_open_next_due;
