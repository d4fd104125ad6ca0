package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// kbColumns are an article's columns for the alias a (its section s gives
// the category). {{body}} is the body columns, or empty text in lists.
const kbColumns = `a.id, a.section_id, s.category_id, coalesce(a.translation_of, 0), a.locale, a.slug, a.title, a.summary,
	{{body}}, a.tags, a.audience, a.state, a.position, coalesce(a.author_id, 0),
	coalesce((SELECT u.name FROM users u WHERE u.tenant_id = a.tenant_id AND u.id = a.author_id), ''),
	a.version, a.view_count, a.created_at, a.updated_at, coalesce(a.published_at, 'epoch')`

const (
	kbBody   = `a.body_md, a.body_html, a.body_text`
	kbNoBody = `'', '', ''`
)

func kbCols(body bool) string {
	if body {
		return strings.Replace(kbColumns, "{{body}}", kbBody, 1)
	}
	return strings.Replace(kbColumns, "{{body}}", kbNoBody, 1)
}

func scanKBArticle(row pgx.Row, extra ...any) (helpdesk.KBArticle, error) {
	var a helpdesk.KBArticle
	var id, sec, cat, tr, author int64
	var audience, state string
	dest := []any{&id, &sec, &cat, &tr, &a.Locale, &a.Slug, &a.Title, &a.Summary, &a.Body, &a.HTML, &a.Text, &a.Tags,
		&audience, &state, &a.Position, &author, &a.AuthorName, &a.Version, &a.Views, &a.CreatedAt, &a.UpdatedAt, &a.PublishedAt}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return helpdesk.KBArticle{}, err
	}
	a.ID, a.Section, a.Category = helpdesk.KBArticleID(id), helpdesk.KBSectionID(sec), helpdesk.KBCategoryID(cat)
	a.TranslationOf, a.Author = helpdesk.KBArticleID(tr), helpdesk.UserID(author)
	a.Audience, a.State = helpdesk.KBAudience(audience), helpdesk.KBState(state)
	if a.PublishedAt.Unix() == 0 {
		a.PublishedAt = time.Time{}
	}
	return a, nil
}

func collectKB(rows pgx.Rows) ([]helpdesk.KBArticle, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.KBArticle, error) { return scanKBArticle(r) })
}

// KBArticle loads one article with its body.
func (s *Store) KBArticle(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.KBArticleID) (helpdesk.KBArticle, error) {
	var a helpdesk.KBArticle
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		a, err = scanKBArticle(tx.QueryRow(ctx, `SELECT `+kbCols(true)+` FROM kb_articles a
			JOIN kb_sections s ON s.tenant_id = a.tenant_id AND s.id = a.section_id
			WHERE a.tenant_id = $1 AND a.id = $2`, int64(tenant), int64(id)))
		return err
	})
	return a, mapErr(err, "kb article %d", id)
}

// KBTranslations lists the articles of a translation group, Spanish first.
func (s *Store) KBTranslations(ctx context.Context, tenant helpdesk.TenantID, group helpdesk.KBArticleID) ([]helpdesk.KBArticle, error) {
	var out []helpdesk.KBArticle
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+kbCols(false)+` FROM kb_articles a
			JOIN kb_sections s ON s.tenant_id = a.tenant_id AND s.id = a.section_id
			WHERE a.tenant_id = $1 AND (a.id = $2 OR a.translation_of = $2) ORDER BY a.locale DESC, a.id`, int64(tenant), int64(group))
		if err != nil {
			return err
		}
		out, err = collectKB(rows)
		return err
	})
	return out, mapErr(err, "kb translations %d", group)
}

// KBArticles lists the articles q selects, without their bodies.
func (s *Store) KBArticles(ctx context.Context, tenant helpdesk.TenantID, q helpdesk.KBListQuery) ([]helpdesk.KBArticle, error) {
	args := pgx.NamedArgs{"tenant": int64(tenant)}
	where := []string{"a.tenant_id = @tenant"}
	if q.Section != 0 && len(q.Tags) > 0 {
		where = append(where, "(a.section_id = @section OR a.tags && @tags)")
		args["section"], args["tags"] = int64(q.Section), q.Tags
	} else if q.Section != 0 {
		where = append(where, "a.section_id = @section")
		args["section"] = int64(q.Section)
	}
	if q.Category != 0 {
		where = append(where, "s.category_id = @category")
		args["category"] = int64(q.Category)
	}
	if len(q.Audiences) > 0 {
		where = append(where, "a.audience = ANY (@audiences)")
		args["audiences"] = kbStrings(q.Audiences)
	}
	if len(q.States) > 0 {
		where = append(where, "a.state = ANY (@states)")
		args["states"] = kbStrings(q.States)
	}
	if q.Live {
		where = append(where, "c.archived_at IS NULL")
	}
	if q.Exclude != 0 {
		where = append(where, "a.id <> @exclude AND coalesce(a.translation_of, a.id) <> (SELECT coalesce(x.translation_of, x.id) FROM kb_articles x WHERE x.tenant_id = @tenant AND x.id = @exclude)")
		args["exclude"] = int64(q.Exclude)
	}
	order := "c.position, c.id, s.position, s.id, a.position, a.title, a.id"
	if q.Popular {
		order = "a.view_count DESC, a.id"
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 500
	}
	args["limit"] = q.Limit
	from := `FROM kb_articles a
		JOIN kb_sections s ON s.tenant_id = a.tenant_id AND s.id = a.section_id
		JOIN kb_categories c ON c.tenant_id = s.tenant_id AND c.id = s.category_id
		WHERE ` + strings.Join(where, " AND ")
	sql := `SELECT ` + kbCols(false) + ` ` + from + ` ORDER BY ` + order + ` LIMIT @limit`
	if q.Lang != "" {
		// One article per translation group: the reader's language first.
		args["lang"] = q.Lang
		sql = `SELECT x.* FROM (
			SELECT DISTINCT ON (coalesce(a.translation_of, a.id)) ` + kbCols(false) + `,
				c.position AS cp, c.id AS cid, s.position AS sp, s.id AS sid
			` + from + `
			ORDER BY coalesce(a.translation_of, a.id), (a.locale = @lang) DESC, a.id
		) x ORDER BY ` + strings.NewReplacer("c.position", "x.cp", "c.id", "x.cid", "s.position", "x.sp", "s.id", "x.sid",
			"a.position", "x.position", "a.title", "x.title", "a.id", "x.id", "a.view_count", "x.view_count").Replace(order) + ` LIMIT @limit`
	}
	var out []helpdesk.KBArticle
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, args)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.KBArticle, error) {
			if q.Lang == "" {
				return scanKBArticle(r)
			}
			var cp, cid, sp, sid int64
			return scanKBArticle(r, &cp, &cid, &sp, &sid)
		})
		return err
	})
	return out, mapErr(err, "kb articles")
}

func kbStrings[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

const kbUpsertSQL = `WITH saved AS (
	INSERT INTO kb_articles (tenant_id, section_id, translation_of, locale, slug, title, summary, body_md, body_html, body_text,
		tags, audience, state, position, author_id, version, created_at, updated_at, published_at)
	VALUES (@tenant, @section, @translation_of, @locale, @slug, @title, @summary, @body, @html, @text,
		@tags, @audience, @state, @position, @author, 1, @created, @updated, @published)
	RETURNING id, version
) SELECT id, version FROM saved`

const kbUpdateSQL = `UPDATE kb_articles SET section_id = @section, locale = @locale, slug = @slug, title = @title, summary = @summary,
	body_md = @body, body_html = @html, body_text = @text, tags = @tags, audience = @audience, state = @state,
	position = @position, version = version + 1, updated_at = @updated, published_at = @published
	WHERE tenant_id = @tenant AND id = @id AND version = @version
	RETURNING id, version`

// kbDocumentSQL adds the search document of the article's current version.
const kbDocumentSQL = `INSERT INTO kb_search (tenant_id, article_id, version, words, document)
	SELECT a.tenant_id, a.id, a.version, atiende_norm(a.title || ' ' || array_to_string(a.tags, ' ')),
		setweight(atiende_tsvector(a.title), 'A')
		|| setweight(atiende_tsvector(a.summary || ' ' || array_to_string(a.tags, ' ')), 'B')
		|| setweight(atiende_tsvector(left(a.body_text, 100000)), 'C')
	FROM kb_articles a WHERE a.tenant_id = @tenant AND a.id = @id`

const kbRevisionSQL = `INSERT INTO kb_revisions (tenant_id, article_id, number, title, summary, body_md, tags, audience, state,
	author_id, author_name, created_at)
	SELECT @tenant, @id, coalesce(max(number), 0) + 1, @title, @summary, @body, @tags, @audience, @state, @author, @author_name, @at
	FROM kb_revisions WHERE tenant_id = @tenant AND article_id = @id`

// SaveKBArticle inserts or updates a, then adds rev and the new version's
// search document, in one transaction.
func (s *Store) SaveKBArticle(ctx context.Context, tenant helpdesk.TenantID, a helpdesk.KBArticle, rev helpdesk.KBRevision) (helpdesk.KBArticle, error) {
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	args := pgx.NamedArgs{"tenant": int64(tenant), "id": int64(a.ID), "section": int64(a.Section), "translation_of": nullID(int64(a.TranslationOf)),
		"locale": a.Locale, "slug": a.Slug, "title": a.Title, "summary": a.Summary, "body": a.Body, "html": a.HTML, "text": a.Text,
		"tags": tags, "audience": string(a.Audience), "state": string(a.State), "position": a.Position,
		"author": nullID(int64(a.Author)), "version": a.Version, "created": a.CreatedAt, "updated": a.UpdatedAt, "published": nullTime(a.PublishedAt)}
	var out helpdesk.KBArticle
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		sql := kbUpdateSQL
		if a.ID == 0 {
			sql = kbUpsertSQL
		}
		var id int64
		var version int
		if err := tx.QueryRow(ctx, sql, args).Scan(&id, &version); err != nil {
			if err == pgx.ErrNoRows && a.ID != 0 {
				return helpdesk.ErrConflict
			}
			return err
		}
		args["id"] = id
		args["at"], args["author_name"] = rev.CreatedAt, rev.AuthorName
		args["author"], args["state"], args["audience"] = nullID(int64(rev.Author)), string(rev.State), string(rev.Audience)
		b := &pgx.Batch{}
		b.Queue(kbRevisionSQL, args)
		b.Queue(kbDocumentSQL, args)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		var err error
		out, err = scanKBArticle(tx.QueryRow(ctx, `SELECT `+kbCols(true)+` FROM kb_articles a
			JOIN kb_sections s ON s.tenant_id = a.tenant_id AND s.id = a.section_id
			WHERE a.tenant_id = $1 AND a.id = $2`, int64(tenant), id))
		return err
	})
	return out, mapErr(err, "save kb article")
}

// DeleteKBArticle removes an article; its revisions, images, search
// documents, figures and translations go with it (ON DELETE CASCADE).
func (s *Store) DeleteKBArticle(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.KBArticleID) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM kb_articles WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id))
		if err == nil && tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "delete kb article %d", id)
}

const kbRevisionColumns = `article_id, number, title, summary, body_md, tags, audience, state, coalesce(author_id, 0), author_name, created_at`

func scanKBRevision(row pgx.Row) (helpdesk.KBRevision, error) {
	var r helpdesk.KBRevision
	var art, author int64
	var audience, state string
	err := row.Scan(&art, &r.Number, &r.Title, &r.Summary, &r.Body, &r.Tags, &audience, &state, &author, &r.AuthorName, &r.CreatedAt)
	r.Article, r.Author, r.Audience, r.State = helpdesk.KBArticleID(art), helpdesk.UserID(author), helpdesk.KBAudience(audience), helpdesk.KBState(state)
	return r, err
}

// KBRevisions lists an article's revisions, newest first.
func (s *Store) KBRevisions(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.KBArticleID) ([]helpdesk.KBRevision, error) {
	var out []helpdesk.KBRevision
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+kbRevisionColumns+` FROM kb_revisions WHERE tenant_id = $1 AND article_id = $2
			ORDER BY number DESC`, int64(tenant), int64(id))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.KBRevision, error) { return scanKBRevision(r) })
		return err
	})
	return out, mapErr(err, "kb revisions %d", id)
}

// KBRevision returns one revision of an article.
func (s *Store) KBRevision(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.KBArticleID, number int) (helpdesk.KBRevision, error) {
	var out helpdesk.KBRevision
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanKBRevision(tx.QueryRow(ctx, `SELECT `+kbRevisionColumns+` FROM kb_revisions
			WHERE tenant_id = $1 AND article_id = $2 AND number = $3`, int64(tenant), int64(id), number))
		return err
	})
	return out, mapErr(err, "kb revision %d/%d", id, number)
}
