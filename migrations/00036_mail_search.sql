-- The mail log's text search on its trigram indexes (issue 21).
--
-- 00030 gave each mail table a GIN trigram index on (tenant_id, address,
-- subject), but the log's `addr ILIKE @pattern OR subject ILIKE @pattern`
-- comes from the query, and ILIKE is not LEAKPROOF: under forced row-level
-- security PostgreSQL must run it after the tenant policy, so it never uses
-- it as an index condition (see docs/tickets-storage.md, "Why the search
-- predicate lives in a policy"). The planner walked each box's keyset index
-- and filtered every row of the desk when few matched.
--
-- As for ticket_search and kb_search, the predicate moves into a policy of
-- a search-only table: mail_search holds each message's address and
-- subject, one row per field, and its SELECT policy matches them against
-- the transaction-local setting app.mail_pattern (an ILIKE pattern, escaped
-- by the application). Without the setting the table reads as empty.
--
--   * Rows are written by triggers on the three mail tables, in the same
--     transaction as the message: the address when the row is inserted, the
--     subject when it is known (received mail has it at once; notices get
--     it when rendered, once: 00012 fixes subject and raw then).
--   * box is the log's source number (1 received, 2 ticket notices,
--     3 account messages) and id the message's id in that table.
--   * Append-only for the application, like the other search tables. A
--     second subject for the same message keeps the first (rendering sets
--     it once, so there is none today).
--
-- Follows the rules of 00001: tenant_id leads every key.

-- +goose Up
CREATE TABLE mail_search (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    box        smallint NOT NULL CHECK (box BETWEEN 1 AND 3),
    id         bigint NOT NULL,
    field      text NOT NULL CHECK (field IN ('address', 'subject')),
    words      text NOT NULL,
    PRIMARY KEY (tenant_id, id, box, field)
);
CREATE INDEX mail_search_words ON mail_search USING gin (words gin_trgm_ops);

ALTER TABLE mail_search ENABLE ROW LEVEL SECURITY;
ALTER TABLE mail_search FORCE ROW LEVEL SECURITY;
CREATE POLICY mail_search_match ON mail_search FOR SELECT
    USING (tenant_id = current_tenant()
        AND words ILIKE nullif(current_setting('app.mail_pattern', true), ''));
CREATE POLICY mail_search_append ON mail_search FOR INSERT
    WITH CHECK (tenant_id = current_tenant());
REVOKE UPDATE, DELETE, TRUNCATE ON mail_search FROM CURRENT_USER;

-- mail_search_add files a new message's address, and its subject when it
-- has one. TG_ARGV[0] is the box number; the address column differs by
-- table (received mail has a sender, the others a recipient).
-- +goose StatementBegin
CREATE FUNCTION mail_search_add() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    box  smallint := TG_ARGV[0]::smallint;
    addr text;
BEGIN
    IF TG_TABLE_NAME = 'mail_inbound' THEN
        addr := NEW.from_addr;
    ELSE
        addr := NEW.to_addr;
    END IF;
    INSERT INTO mail_search (tenant_id, box, id, field, words)
    VALUES (NEW.tenant_id, box, NEW.id, 'address', addr)
    ON CONFLICT DO NOTHING;
    IF NEW.subject <> '' THEN
        INSERT INTO mail_search (tenant_id, box, id, field, words)
        VALUES (NEW.tenant_id, box, NEW.id, 'subject', NEW.subject)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- mail_search_subject files the subject a notice gets when it is rendered.
-- +goose StatementBegin
CREATE FUNCTION mail_search_subject() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mail_search (tenant_id, box, id, field, words)
    VALUES (NEW.tenant_id, TG_ARGV[0]::smallint, NEW.id, 'subject', NEW.subject)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER mail_inbound_search_add AFTER INSERT ON mail_inbound
    FOR EACH ROW EXECUTE FUNCTION mail_search_add('1');
CREATE TRIGGER mail_outbox_search_add AFTER INSERT ON mail_outbox
    FOR EACH ROW EXECUTE FUNCTION mail_search_add('2');
CREATE TRIGGER account_mail_search_add AFTER INSERT ON account_mail
    FOR EACH ROW EXECUTE FUNCTION mail_search_add('3');
CREATE TRIGGER mail_inbound_search_subject AFTER UPDATE OF subject ON mail_inbound
    FOR EACH ROW WHEN (NEW.subject <> '' AND NEW.subject IS DISTINCT FROM OLD.subject)
    EXECUTE FUNCTION mail_search_subject('1');
CREATE TRIGGER mail_outbox_search_subject AFTER UPDATE OF subject ON mail_outbox
    FOR EACH ROW WHEN (NEW.subject <> '' AND NEW.subject IS DISTINCT FROM OLD.subject)
    EXECUTE FUNCTION mail_search_subject('2');
CREATE TRIGGER account_mail_search_subject AFTER UPDATE OF subject ON account_mail
    FOR EACH ROW WHEN (NEW.subject <> '' AND NEW.subject IS DISTINCT FROM OLD.subject)
    EXECUTE FUNCTION mail_search_subject('3');

-- The messages already there, one tenant at a time (row-level security
-- binds the migrations' role too).
-- +goose StatementBegin
DO $$
DECLARE t bigint;
BEGIN
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        INSERT INTO mail_search (tenant_id, box, id, field, words)
        SELECT tenant_id, 1, id, 'address', from_addr FROM mail_inbound WHERE tenant_id = t
        UNION ALL SELECT tenant_id, 1, id, 'subject', subject FROM mail_inbound WHERE tenant_id = t AND subject <> ''
        UNION ALL SELECT tenant_id, 2, id, 'address', to_addr FROM mail_outbox WHERE tenant_id = t
        UNION ALL SELECT tenant_id, 2, id, 'subject', subject FROM mail_outbox WHERE tenant_id = t AND subject <> ''
        UNION ALL SELECT tenant_id, 3, id, 'address', to_addr FROM account_mail WHERE tenant_id = t
        UNION ALL SELECT tenant_id, 3, id, 'subject', subject FROM account_mail WHERE tenant_id = t AND subject <> '';
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER account_mail_search_subject ON account_mail;
DROP TRIGGER mail_outbox_search_subject ON mail_outbox;
DROP TRIGGER mail_inbound_search_subject ON mail_inbound;
DROP TRIGGER account_mail_search_add ON account_mail;
DROP TRIGGER mail_outbox_search_add ON mail_outbox;
DROP TRIGGER mail_inbound_search_add ON mail_inbound;
DROP FUNCTION mail_search_subject();
DROP FUNCTION mail_search_add();
DROP TABLE mail_search;
