-- A ticket view reports its agent's presence (00006): a refresh updates the
-- agent's row, a first view inserts one. Each insert ran the row's two
-- foreign-key checks, and PostgreSQL checks a key by locking the row it
-- names FOR KEY SHARE: the ticket's row and the agent's own user row were
-- locked by every first view. Locking a row writes to its page (and to the
-- WAL), and when several transactions hold such a lock on one row at once
-- (an agent's views in two tabs, or a desk's agents on one ticket)
-- PostgreSQL records the holders in a multixact. At a larger desk most
-- views are first views (make bench, medium: the ticket page's PostgreSQL
-- time grew with the desk while its reads stayed flat).
--
-- The keys guarded nothing a presence row needs: the row is written from
-- the ticket read in the same statement, under the same tenant, for the
-- signed-in agent; neither tickets nor users are ever deleted; a row lives
-- for helpdesk.PresenceTTL and the readers join the users they name. The
-- primary key still leads with tenant_id and row-level security still
-- isolates the table.

-- +goose Up
ALTER TABLE ticket_presence DROP CONSTRAINT ticket_presence_tenant_id_ticket_id_fkey;
ALTER TABLE ticket_presence DROP CONSTRAINT ticket_presence_tenant_id_user_id_fkey;

-- +goose Down
-- Presence rows last seconds: the keys come back on an empty table.
DELETE FROM ticket_presence;
ALTER TABLE ticket_presence ADD FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id);
ALTER TABLE ticket_presence ADD FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id);
