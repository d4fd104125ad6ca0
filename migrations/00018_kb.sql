-- Knowledge base and self-service (issue 14): categories, ordered sections,
-- articles with their revisions, translations and images; the search
-- documents; what visitors did (views, votes, searches, suggestions opened);
-- the help centre's per-desk switch and the agents' editor flag.
--
-- Follows the rules of 00001: tenant_id leads every key, composite foreign
-- keys, row-level security enabled and FORCEd with current_tenant().
--
-- kb_search follows ticket_search (00002, docs/tickets-storage.md): the
-- full-text and trigram operators are not LEAKPROOF, so on a table under
-- RLS PostgreSQL will not use them as index conditions when they come from
-- the query. The SELECT policy carries the search predicate instead, read
-- from transaction-local settings (app.search_query, app.search_words).
-- Every save of an article inserts a document for its new version; queries
-- join the article and keep only the document of its current version.
-- Documents are removed only with their article (ON DELETE CASCADE, which
-- runs as the owner): the application role may not update or delete them.

-- +goose Up
CREATE TABLE kb_settings (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    help_enabled boolean NOT NULL DEFAULT true,
    PRIMARY KEY (tenant_id)
);

-- Agents with the flag may publish; admins always may.
ALTER TABLE users ADD COLUMN kb_editor boolean NOT NULL DEFAULT false;

CREATE TABLE kb_categories (
    tenant_id      bigint NOT NULL REFERENCES tenants (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    name_en        text NOT NULL DEFAULT '' CHECK (length(name_en) <= 120),
    description    text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    description_en text NOT NULL DEFAULT '' CHECK (length(description_en) <= 500),
    slug           text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,79}$'),
    position       integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE kb_sections (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    category_id bigint NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    name_en     text NOT NULL DEFAULT '' CHECK (length(name_en) <= 120),
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,79}$'),
    position    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES kb_categories (tenant_id, id)
);
CREATE INDEX kb_sections_category ON kb_sections (tenant_id, category_id, position, id);

-- An article in one language. Translations share a group: the first
-- version's id (translation_of NULL) and one article per language in it.
-- body_html is the Markdown rendered and sanitised at save time; body_text
-- its plain text, for snippets and the search document.
CREATE TABLE kb_articles (
    tenant_id      bigint NOT NULL REFERENCES tenants (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    section_id     bigint NOT NULL,
    translation_of bigint,
    locale         text NOT NULL CHECK (locale IN ('es', 'en')),
    slug           text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    summary        text NOT NULL DEFAULT '' CHECK (length(summary) <= 500),
    body_md        text NOT NULL DEFAULT '' CHECK (octet_length(body_md) <= 262144),
    body_html      text NOT NULL DEFAULT '',
    body_text      text NOT NULL DEFAULT '',
    tags           text[] NOT NULL DEFAULT '{}',
    audience       text NOT NULL CHECK (audience IN ('public', 'customers', 'internal')),
    state          text NOT NULL CHECK (state IN ('draft', 'published', 'archived')),
    position       integer NOT NULL DEFAULT 0,
    author_id      bigint,
    version        integer NOT NULL DEFAULT 1,
    view_count     bigint NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    published_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, section_id) REFERENCES kb_sections (tenant_id, id),
    FOREIGN KEY (tenant_id, translation_of) REFERENCES kb_articles (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
);
CREATE UNIQUE INDEX kb_articles_translation ON kb_articles (tenant_id, coalesce(translation_of, id), locale);
CREATE INDEX kb_articles_translations ON kb_articles (tenant_id, translation_of) WHERE translation_of IS NOT NULL;
CREATE INDEX kb_articles_section ON kb_articles (tenant_id, section_id, state, position, id);
CREATE INDEX kb_articles_popular ON kb_articles (tenant_id, view_count DESC, id) WHERE state = 'published';

-- Every save, kept: number 1 is the first.
CREATE TABLE kb_revisions (
    tenant_id   bigint NOT NULL,
    article_id  bigint NOT NULL,
    number      integer NOT NULL,
    title       text NOT NULL,
    summary     text NOT NULL,
    body_md     text NOT NULL,
    tags        text[] NOT NULL,
    audience    text NOT NULL,
    state       text NOT NULL,
    author_id   bigint,
    author_name text NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, article_id, number),
    FOREIGN KEY (tenant_id, article_id) REFERENCES kb_articles (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
);

-- Images uploaded into an article. Ids are random (atiende_random_id) like
-- attachments'; the type is sniffed from the bytes.
CREATE TABLE kb_images (
    tenant_id    bigint NOT NULL,
    id           bigint NOT NULL,
    article_id   bigint NOT NULL,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL CHECK (length(content_type) BETWEEN 3 AND 100),
    size         bigint NOT NULL CHECK (size > 0),
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, article_id) REFERENCES kb_articles (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE kb_images ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE INDEX kb_images_article ON kb_images (tenant_id, article_id);

-- Search documents: one per saved version of an article. words is the
-- normalised title and tags (trigram matching for typos and partial
-- words); document weighs the title A, summary and tags B, body C.
CREATE TABLE kb_search (
    tenant_id  bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    article_id bigint NOT NULL,
    version    integer NOT NULL,
    words      text NOT NULL,
    document   tsvector NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, article_id) REFERENCES kb_articles (tenant_id, id) ON DELETE CASCADE
);
-- Snippets: ts_headline needs a configuration that folds accents as the
-- documents did, or "facturación" in an article would not light up for
-- the query "facturacion". unaccent is a filtering dictionary.
CREATE TEXT SEARCH CONFIGURATION atiende_es_headline (COPY = atiende_es);
ALTER TEXT SEARCH CONFIGURATION atiende_es_headline
    ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part
    WITH unaccent, atiende_stop_en, spanish_stem;

CREATE INDEX kb_search_document ON kb_search USING gin (tenant_id, document);
CREATE INDEX kb_search_words ON kb_search USING gin (tenant_id, words gin_trgm_ops);
CREATE INDEX kb_search_article ON kb_search (tenant_id, article_id);

-- What visitors did, for the reports (queries in docs/knowledge-base.md).
CREATE TABLE kb_views (
    tenant_id  bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    article_id bigint NOT NULL,
    at         timestamptz NOT NULL,
    audience   text NOT NULL CHECK (audience IN ('guest', 'customer', 'staff')),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, article_id) REFERENCES kb_articles (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX kb_views_article ON kb_views (tenant_id, article_id, at);

CREATE TABLE kb_votes (
    tenant_id  bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    article_id bigint NOT NULL,
    helpful    boolean NOT NULL,
    comment    text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    user_id    bigint,
    -- The vote form's one-time key: a resubmitted form (a double click,
    -- a retry) is one vote.
    form_key   text NOT NULL CHECK (length(form_key) BETWEEN 1 AND 64),
    at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, form_key),
    FOREIGN KEY (tenant_id, article_id) REFERENCES kb_articles (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX kb_votes_article ON kb_votes (tenant_id, article_id, at);

-- Searches (help centre and new-ticket suggestions) with how many
-- articles they found: the ones with none are the articles to write next.
CREATE TABLE kb_searches (
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    id        bigint GENERATED ALWAYS AS IDENTITY,
    query     text NOT NULL CHECK (length(query) BETWEEN 1 AND 200),
    source    text NOT NULL CHECK (source IN ('help', 'suggest')),
    results   integer NOT NULL,
    at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX kb_searches_empty ON kb_searches (tenant_id, at) WHERE results = 0;

-- A suggested article opened from a new-ticket form, named by that form's
-- idempotency key. submitted turns true when the same form opens a ticket;
-- an open that stays unsubmitted is a deflection.
CREATE TABLE kb_suggestion_opens (
    tenant_id  bigint NOT NULL,
    form_key   text NOT NULL CHECK (length(form_key) BETWEEN 1 AND 64),
    article_id bigint NOT NULL,
    at         timestamptz NOT NULL,
    submitted  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, form_key, article_id),
    FOREIGN KEY (tenant_id, article_id) REFERENCES kb_articles (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX kb_suggestion_opens_at ON kb_suggestion_opens (tenant_id, at);

SELECT isolate_by_tenant('kb_settings', 'kb_categories', 'kb_sections', 'kb_articles', 'kb_revisions',
    'kb_images', 'kb_views', 'kb_votes', 'kb_searches', 'kb_suggestion_opens');

ALTER TABLE kb_search ENABLE ROW LEVEL SECURITY;
ALTER TABLE kb_search FORCE ROW LEVEL SECURITY;
CREATE POLICY kb_search_match ON kb_search FOR SELECT
    USING (tenant_id = current_tenant()
        AND (document @@ nullif(current_setting('app.search_query', true), '')::tsquery
            OR words %> nullif(current_setting('app.search_words', true), '')));
CREATE POLICY kb_search_append ON kb_search FOR INSERT
    WITH CHECK (tenant_id = current_tenant());

-- +goose Down
DROP TABLE kb_search;
DROP TEXT SEARCH CONFIGURATION atiende_es_headline;
DROP TABLE kb_suggestion_opens;
DROP TABLE kb_searches;
DROP TABLE kb_votes;
DROP TABLE kb_views;
DROP TABLE kb_images;
DROP TABLE kb_revisions;
DROP TABLE kb_articles;
DROP TABLE kb_sections;
DROP TABLE kb_categories;
ALTER TABLE users DROP COLUMN kb_editor;
DROP TABLE kb_settings;
