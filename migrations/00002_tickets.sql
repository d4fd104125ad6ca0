-- Tickets: the narrow, hot tickets row; its side sets (tags, custom field
-- values, followers, links); comments and attachments; the append-only event
-- history; the search documents; and the tenant's ticket configuration
-- (groups, categories, custom field definitions, settings).
--
-- Follows the rules of 00001: tenant_id leads every primary and foreign key,
-- row-level security is enabled and FORCEd on every table. Two tables have
-- their own policies instead of tenant_isolation:
--   * events: SELECT and INSERT only, and UPDATE, DELETE and TRUNCATE are
--     revoked from the owner, so the application cannot rewrite history;
--   * ticket_search: its SELECT policy also carries the search predicate,
--     read from transaction-local settings. Operators such as @@ and the
--     trigram ones are not LEAKPROOF, so PostgreSQL refuses to use them as
--     index conditions on a table under RLS when they come from the query
--     (they must run after the policy); a predicate in the policy itself may
--     use the GIN indexes. See docs/tickets-storage.md.
--
-- Why the tickets row is narrow: it is rewritten on every change, with a new
-- entry in each of its indexes. Long text lives in comments, search vectors
-- in ticket_search, sets in side tables; tickets carries only the indexes
-- the queues need, most of them partial on the unsolved statuses.

-- +goose Up
-- Trusted extensions (PostgreSQL 13+): the database owner may create them.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- unaccent(regdictionary, text) is only STABLE (the dictionary could change),
-- so index expressions need an IMMUTABLE wrapper. It names the extension's
-- schema explicitly, so it does not depend on search_path.
-- +goose StatementBegin
DO $do$
DECLARE ext text;
BEGIN
    SELECT n.nspname INTO ext FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'unaccent';
    EXECUTE format($f$CREATE FUNCTION atiende_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $b$SELECT %1$I.unaccent(%2$L::regdictionary, $1)$b$$f$,
        ext, quote_ident(ext) || '.unaccent');
END
$do$;
-- +goose StatementEnd

-- Lower-cased and unaccented: the form trigram matching compares.
CREATE FUNCTION atiende_norm(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS 'SELECT lower(atiende_unaccent($1))';

-- Text is indexed in Spanish and in English. Each configuration drops the
-- other language's stop words before stemming, so that the English half does
-- not index "de", "la", "del" (in nearly every Spanish text, they would make
-- queries slow and match everything) and the Spanish half not "the", "of".
-- A simple dictionary with ACCEPT = false passes every other word on.
CREATE TEXT SEARCH DICTIONARY atiende_stop_es (TEMPLATE = pg_catalog.simple, STOPWORDS = spanish, ACCEPT = false);
CREATE TEXT SEARCH DICTIONARY atiende_stop_en (TEMPLATE = pg_catalog.simple, STOPWORDS = english, ACCEPT = false);
CREATE TEXT SEARCH CONFIGURATION atiende_es (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION atiende_es
    ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part
    WITH atiende_stop_en, spanish_stem;
CREATE TEXT SEARCH CONFIGURATION atiende_en (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION atiende_en
    ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part
    WITH atiende_stop_es, english_stem;

-- A text as both Spanish and English lexemes, unaccented first so that
-- "configuracion" and "configuración" meet.
CREATE FUNCTION atiende_tsvector(text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $f$SELECT to_tsvector('atiende_es'::regconfig, atiende_unaccent($1))
        || to_tsvector('atiende_en'::regconfig, atiende_unaccent($1))$f$;

-- What a user typed, as a query in either language. websearch_to_tsquery
-- never fails on syntax: quotes, "or", "-word" work, anything else is words.
CREATE FUNCTION atiende_tsquery(text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $f$SELECT websearch_to_tsquery('atiende_es'::regconfig, atiende_unaccent($1))
        || websearch_to_tsquery('atiende_en'::regconfig, atiende_unaccent($1))$f$;

-- A random positive bigint from the strong random source behind
-- gen_random_uuid: attachment ids, which must not be guessable.
CREATE FUNCTION atiende_random_id() RETURNS bigint
    LANGUAGE sql VOLATILE PARALLEL SAFE
    AS $f$SELECT ('x' || substr(md5(gen_random_uuid()::text), 1, 16))::bit(64)::bigint & 9223372036854775807$f$;

-- Configuration ---------------------------------------------------------------

CREATE TABLE groups (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    tier       integer NOT NULL DEFAULT 1 CHECK (tier >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE group_members (
    tenant_id bigint NOT NULL,
    group_id  bigint NOT NULL,
    user_id   bigint NOT NULL,
    PRIMARY KEY (tenant_id, group_id, user_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX group_members_user ON group_members (tenant_id, user_id);

CREATE TABLE categories (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE custom_field_defs (
    tenant_id        bigint NOT NULL REFERENCES tenants (id),
    id               bigint GENERATED ALWAYS AS IDENTITY,
    key              text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    label            text NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
    type             text NOT NULL CHECK (type IN ('text', 'number', 'date', 'dropdown', 'checkbox')),
    -- Dropdown choices: [{"value": …, "label": …}, …] in display order.
    options          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(options) = 'array'),
    customer_visible boolean NOT NULL DEFAULT false,
    required         boolean NOT NULL DEFAULT false,
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, key)
);

-- One row per tenant that changed the defaults (helpdesk.DefaultTicketSettings).
CREATE TABLE ticket_settings (
    tenant_id         bigint PRIMARY KEY REFERENCES tenants (id),
    priority_matrix   text NOT NULL,     -- helpdesk.PriorityMatrix.String()
    auto_close_after  interval NOT NULL CHECK (auto_close_after > '0'),
    auto_solve_after  interval NOT NULL DEFAULT '0' CHECK (auto_solve_after >= '0'),
    max_file_bytes    bigint NOT NULL CHECK (max_file_bytes > 0),
    max_comment_bytes bigint NOT NULL CHECK (max_comment_bytes > 0),
    max_ticket_bytes  bigint NOT NULL CHECK (max_ticket_bytes > 0),
    max_files         integer NOT NULL CHECK (max_files > 0)
);

-- Tickets ---------------------------------------------------------------------

-- The last ticket number given in each tenant; bumped with
-- INSERT … ON CONFLICT DO UPDATE … RETURNING, whose row lock serialises
-- concurrent creates of one tenant until they commit: no duplicates, and no
-- gaps unless a transaction rolls back after taking its number (it cannot:
-- the number is taken in the transaction that inserts the ticket).
CREATE TABLE ticket_counters (
    tenant_id   bigint PRIMARY KEY REFERENCES tenants (id),
    last_number bigint NOT NULL CHECK (last_number > 0)
);

CREATE TABLE tickets (
    tenant_id            bigint NOT NULL REFERENCES tenants (id),
    id                   bigint GENERATED ALWAYS AS IDENTITY,
    number               bigint NOT NULL CHECK (number > 0),
    subject              text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    status               text NOT NULL CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
    priority             smallint NOT NULL CHECK (priority BETWEEN 1 AND 4), -- helpdesk.Priority.Rank: sorts
    priority_overridden  boolean NOT NULL DEFAULT false,
    urgency              text NOT NULL CHECK (urgency IN ('low', 'medium', 'high')),
    impact               text NOT NULL CHECK (impact IN ('low', 'medium', 'high')),
    channel              text NOT NULL CHECK (channel IN ('web', 'email', 'api', 'phone', 'chat')),
    -- A user, or a guest known by name and email until claimed.
    requester_id         bigint,
    guest_name           text,
    guest_email          text,
    organisation_id      bigint,
    category_id          bigint,
    group_id             bigint,
    assignee_id          bigint,
    merged_into_id       bigint,
    status_changed_at    timestamptz NOT NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    first_reply_at       timestamptz,
    solved_at            timestamptz,
    closed_at            timestamptz,
    -- The next SLA target instant; written by the SLA engine, never by
    -- SaveTicket. NULL sorts as +infinity in the "due" queue.
    next_due_at          timestamptz,
    public_agent_replies integer NOT NULL DEFAULT 0 CHECK (public_agent_replies >= 0),
    reopens              integer NOT NULL DEFAULT 0 CHECK (reopens >= 0),
    assignee_changes     integer NOT NULL DEFAULT 0 CHECK (assignee_changes >= 0),
    group_changes        integer NOT NULL DEFAULT 0 CHECK (group_changes >= 0),
    escalations          integer NOT NULL DEFAULT 0 CHECK (escalations >= 0),
    version              integer NOT NULL CHECK (version > 0),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, number),
    CHECK ((requester_id IS NULL) = (guest_email IS NOT NULL)),
    CHECK (requester_id IS NULL OR guest_name IS NULL),
    FOREIGN KEY (tenant_id, requester_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id),
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, merged_into_id) REFERENCES tickets (tenant_id, id)
);

-- The queues. Working queues show unsolved tickets, so their indexes are
-- partial: a solved or closed ticket leaves them, and updates of closed
-- tickets do not touch them. Every one leads with tenant_id and ends with
-- the keyset of its sort, so a page is a range scan with no Sort node.
CREATE INDEX tickets_open_updated ON tickets (tenant_id, updated_at DESC, id DESC)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_open_assignee ON tickets (tenant_id, assignee_id, updated_at DESC, id DESC)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_open_priority ON tickets (tenant_id, priority DESC, updated_at DESC, id DESC)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_open_due ON tickets (tenant_id, (coalesce(next_due_at, 'infinity')), id)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');
-- A requester's and an organisation's tickets, in every status (portal lists).
CREATE INDEX tickets_requester ON tickets (tenant_id, requester_id, updated_at DESC, id DESC)
    WHERE requester_id IS NOT NULL;
CREATE INDEX tickets_organisation ON tickets (tenant_id, organisation_id, updated_at DESC, id DESC)
    WHERE organisation_id IS NOT NULL;
-- The auto-close and auto-solve jobs: few rows, in the two waiting statuses.
CREATE INDEX tickets_waiting ON tickets (tenant_id, status, status_changed_at, id)
    WHERE status IN ('pending', 'solved');

CREATE TABLE ticket_tags (
    tenant_id bigint NOT NULL,
    ticket_id bigint NOT NULL,
    tag       text NOT NULL CHECK (length(tag) BETWEEN 1 AND 50),
    PRIMARY KEY (tenant_id, ticket_id, tag),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX ticket_tags_tag ON ticket_tags (tenant_id, tag, ticket_id);

-- Only the column of the value's type is set.
CREATE TABLE ticket_field_values (
    tenant_id    bigint NOT NULL,
    ticket_id    bigint NOT NULL,
    field_id     bigint NOT NULL,
    type         text NOT NULL CHECK (type IN ('text', 'number', 'date', 'dropdown', 'checkbox')),
    value_text   text,
    value_number double precision,
    value_date   date,
    value_bool   boolean,
    PRIMARY KEY (tenant_id, ticket_id, field_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, field_id) REFERENCES custom_field_defs (tenant_id, id)
);

CREATE TABLE ticket_followers (
    tenant_id bigint NOT NULL,
    ticket_id bigint NOT NULL,
    user_id   bigint NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, user_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
-- "Tickets I follow", for a customer's scope.
CREATE INDEX ticket_followers_user ON ticket_followers (tenant_id, user_id, ticket_id);

-- Links are stored on the ticket that made them; incoming links are found
-- through the target index.
CREATE TABLE ticket_links (
    tenant_id bigint NOT NULL,
    ticket_id bigint NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('related', 'duplicate_of', 'follow_up_of')),
    target_id bigint NOT NULL,
    position  integer NOT NULL, -- order in which they were made
    PRIMARY KEY (tenant_id, ticket_id, kind, target_id),
    CHECK (target_id <> ticket_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, target_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX ticket_links_target ON ticket_links (tenant_id, target_id);

-- Comments and attachments -------------------------------------------------------

CREATE TABLE comments (
    tenant_id      bigint NOT NULL,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    ticket_id      bigint NOT NULL,
    visibility     text NOT NULL CHECK (visibility IN ('public', 'internal')),
    author_kind    text NOT NULL CHECK (author_kind IN ('agent', 'customer', 'system')),
    author_id      bigint,
    author_name    text NOT NULL,
    channel        text NOT NULL CHECK (channel IN ('web', 'email', 'api', 'phone', 'chat')),
    body           text NOT NULL,
    html           text NOT NULL DEFAULT '',
    -- Set on copies made by a merge: the source ticket's number and comment.
    merged_from    bigint,
    copied_from_id bigint,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, copied_from_id) REFERENCES comments (tenant_id, id)
);
CREATE INDEX comments_ticket ON comments (tenant_id, ticket_id, created_at, id);

-- File contents, apart from their descriptions so that listing a timeline
-- never touches them. EXTERNAL: stored out of line without trying to
-- compress (uploads are mostly compressed formats already).
CREATE TABLE attachment_blobs (
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    id        bigint NOT NULL,
    data      bytea NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE attachment_blobs ALTER COLUMN data SET STORAGE EXTERNAL;

-- A file on a comment. The id is random (atiende_random_id), so ids cannot
-- be enumerated; downloads are still authorised through the ticket. A merge
-- copies the description with a new id pointing at the same blob.
CREATE TABLE attachments (
    tenant_id    bigint NOT NULL,
    id           bigint NOT NULL,
    ticket_id    bigint NOT NULL,
    comment_id   bigint NOT NULL,
    blob_id      bigint NOT NULL,
    position     integer NOT NULL,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL CHECK (length(content_type) BETWEEN 3 AND 100),
    size         bigint NOT NULL CHECK (size > 0),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, comment_id) REFERENCES comments (tenant_id, id),
    FOREIGN KEY (tenant_id, blob_id) REFERENCES attachment_blobs (tenant_id, id)
);
CREATE INDEX attachments_ticket ON attachments (tenant_id, ticket_id, comment_id);

-- History -----------------------------------------------------------------------

-- Append-only: the single source for history, audit and metrics.
CREATE TABLE events (
    tenant_id   bigint NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    ticket_id   bigint NOT NULL,
    kind        text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    actor_kind  text NOT NULL CHECK (actor_kind IN ('agent', 'customer', 'system')),
    actor_id    bigint,
    actor_name  text NOT NULL,
    at          timestamptz NOT NULL,
    field       text NOT NULL DEFAULT '',
    from_text   text NOT NULL DEFAULT '',
    to_text     text NOT NULL DEFAULT '',
    from_id     bigint NOT NULL DEFAULT 0,
    to_id       bigint NOT NULL DEFAULT 0,
    comment_id  bigint,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, comment_id) REFERENCES comments (tenant_id, id)
);
CREATE INDEX events_ticket ON events (tenant_id, ticket_id, at, id);

-- Search --------------------------------------------------------------------------

-- One document per subject (comment_id NULL, words set) and per comment.
-- Rows are only ever inserted: a changed subject adds a document and the
-- stale one is ignored by queries (its words no longer equal the ticket's).
-- public says whether the requester may find the ticket through it.
CREATE TABLE ticket_search (
    tenant_id  bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    ticket_id  bigint NOT NULL,
    comment_id bigint,
    public     boolean NOT NULL,
    words      text,                -- atiende_norm(subject), for trigram matching
    document   tsvector NOT NULL,   -- atiende_tsvector(text), weighted
    PRIMARY KEY (tenant_id, id),
    CHECK ((comment_id IS NULL) = (words IS NOT NULL)),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, comment_id) REFERENCES comments (tenant_id, id)
);
-- Tenant-leading composite GIN indexes (btree_gin for tenant_id).
CREATE INDEX ticket_search_document ON ticket_search USING gin (tenant_id, document);
CREATE INDEX ticket_search_words ON ticket_search USING gin (tenant_id, words gin_trgm_ops)
    WHERE words IS NOT NULL;

-- Row-level security ----------------------------------------------------------------

SELECT isolate_by_tenant('groups', 'group_members', 'categories', 'custom_field_defs',
    'ticket_settings', 'ticket_counters', 'tickets', 'ticket_tags', 'ticket_field_values',
    'ticket_followers', 'ticket_links', 'comments', 'attachment_blobs', 'attachments');

ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_read ON events FOR SELECT
    USING (tenant_id = current_tenant());
CREATE POLICY events_append ON events FOR INSERT
    WITH CHECK (tenant_id = current_tenant());
-- Without an UPDATE or DELETE policy such statements find no rows; revoking
-- the privileges makes them fail loudly, and covers TRUNCATE, which RLS
-- does not govern. The owner could grant them back: only a migration may.
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM CURRENT_USER;

-- Search reads see only the tenant's documents that match the search of the
-- current transaction: set_config('app.search_query', <tsquery text>, true)
-- and set_config('app.search_words', <atiende_norm(text)>, true); empty
-- means "no such condition". Without them the table reads as empty.
ALTER TABLE ticket_search ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_search FORCE ROW LEVEL SECURITY;
CREATE POLICY ticket_search_match ON ticket_search FOR SELECT
    USING (tenant_id = current_tenant()
        AND (document @@ nullif(current_setting('app.search_query', true), '')::tsquery
            OR words %> nullif(current_setting('app.search_words', true), '')));
CREATE POLICY ticket_search_append ON ticket_search FOR INSERT
    WITH CHECK (tenant_id = current_tenant());
REVOKE UPDATE, DELETE, TRUNCATE ON ticket_search FROM CURRENT_USER;

-- +goose Down
DROP TABLE ticket_search;
DROP TABLE events;
DROP TABLE attachments;
DROP TABLE attachment_blobs;
DROP TABLE comments;
DROP TABLE ticket_links;
DROP TABLE ticket_followers;
DROP TABLE ticket_field_values;
DROP TABLE ticket_tags;
DROP TABLE tickets;
DROP TABLE ticket_counters;
DROP TABLE ticket_settings;
DROP TABLE custom_field_defs;
DROP TABLE categories;
DROP TABLE group_members;
DROP TABLE groups;
DROP FUNCTION atiende_random_id();
DROP FUNCTION atiende_tsquery(text);
DROP FUNCTION atiende_tsvector(text);
DROP FUNCTION atiende_norm(text);
DROP FUNCTION atiende_unaccent(text);
DROP TEXT SEARCH CONFIGURATION atiende_en;
DROP TEXT SEARCH CONFIGURATION atiende_es;
DROP TEXT SEARCH DICTIONARY atiende_stop_en;
DROP TEXT SEARCH DICTIONARY atiende_stop_es;
DROP EXTENSION IF EXISTS btree_gin;
DROP EXTENSION IF EXISTS pg_trgm;
DROP EXTENSION IF EXISTS unaccent;
