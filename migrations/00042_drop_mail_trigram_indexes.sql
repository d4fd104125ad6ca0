-- A ticket's creation writes fewer index entries (issue 18).
--
-- 00030 gave each mail table a GIN trigram index on (tenant_id, address,
-- subject) for the mail log's search. Since 00036 that search runs on
-- mail_search (its policy holds the pattern), and the log's own
-- `addr ILIKE @pattern OR subject ILIKE @pattern` filters the rows its
-- keyset index read: ILIKE is not LEAKPROOF, so under row-level security
-- it is never an index condition on the mail tables, and no other
-- statement reads them by text. The three indexes were only written: each
-- acknowledgement of a new ticket (mail_outbox), each received message
-- (mail_inbound) and each account message (account_mail) added one entry
-- per trigram of its address and subject, and their pending lists, full,
-- were merged inline by whichever insert came next.

-- +goose Up
DROP INDEX mail_inbound_search;
DROP INDEX mail_outbox_search;
DROP INDEX account_mail_search;

-- +goose Down
CREATE INDEX mail_inbound_search ON mail_inbound USING gin (tenant_id, from_addr gin_trgm_ops, subject gin_trgm_ops);
CREATE INDEX mail_outbox_search ON mail_outbox USING gin (tenant_id, to_addr gin_trgm_ops, subject gin_trgm_ops);
CREATE INDEX account_mail_search ON account_mail USING gin (tenant_id, to_addr gin_trgm_ops, subject gin_trgm_ops);
