package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// What visitors do in the help centre, kept for the reports; the queries
// reports run are in docs/knowledge-base.md.

// RecordKBView counts a view of an article.
func (s *Store) RecordKBView(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.KBArticleID, audience string, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO kb_views (tenant_id, article_id, at, audience) VALUES ($1, $2, $3, $4)`, int64(tenant), int64(id), at, audience)
		b.Queue(`UPDATE kb_articles SET view_count = view_count + 1 WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id))
		return tx.SendBatch(ctx, b).Close()
	})
	return mapErr(err, "record kb view")
}

// RecordKBVote keeps a helpful / not helpful vote, once per form key.
func (s *Store) RecordKBVote(ctx context.Context, tenant helpdesk.TenantID, v helpdesk.KBVote) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO kb_votes (tenant_id, article_id, helpful, comment, user_id, form_key, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, form_key) DO NOTHING`,
			int64(tenant), int64(v.Article), v.Helpful, v.Comment, nullID(int64(v.User)), v.Key, v.At)
		return err
	})
	return mapErr(err, "record kb vote")
}

// RecordKBSearch keeps a search and how many articles it found.
func (s *Store) RecordKBSearch(ctx context.Context, tenant helpdesk.TenantID, query, source string, results int, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO kb_searches (tenant_id, query, source, results, at) VALUES ($1, lower($2), $3, $4, $5)`,
			int64(tenant), query, source, results, at)
		return err
	})
	return mapErr(err, "record kb search")
}

// RecordKBSuggestionOpen keeps that a new-ticket form led to an article
// (once per form and article).
func (s *Store) RecordKBSuggestionOpen(ctx context.Context, tenant helpdesk.TenantID, formKey string, id helpdesk.KBArticleID, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO kb_suggestion_opens (tenant_id, form_key, article_id, at) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, int64(tenant), formKey, int64(id), at)
		return err
	})
	return mapErr(err, "record kb suggestion")
}

const markKBFormSQL = `UPDATE kb_suggestion_opens SET submitted = true WHERE tenant_id = $1 AND form_key = $2 AND NOT submitted`

// MarkKBFormSubmitted marks a form's suggestion opens as not deflected.
func (s *Store) MarkKBFormSubmitted(ctx context.Context, tenant helpdesk.TenantID, formKey string) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, markKBFormSQL, int64(tenant), formKey)
		return err
	})
	return mapErr(err, "mark kb form")
}

// kbReportSQL is the per-article figures since @since (documented in
// docs/knowledge-base.md as the reports' query).
const kbReportSQL = `SELECT a.id, a.title,
	(SELECT count(*) FROM kb_views v WHERE v.tenant_id = a.tenant_id AND v.article_id = a.id AND v.at >= @since),
	(SELECT count(*) FROM kb_votes v WHERE v.tenant_id = a.tenant_id AND v.article_id = a.id AND v.at >= @since AND v.helpful),
	(SELECT count(*) FROM kb_votes v WHERE v.tenant_id = a.tenant_id AND v.article_id = a.id AND v.at >= @since AND NOT v.helpful),
	(SELECT count(*) FROM kb_suggestion_opens o WHERE o.tenant_id = a.tenant_id AND o.article_id = a.id
		AND o.at >= @since AND o.at < @deflect_before AND NOT o.submitted)
FROM kb_articles a WHERE a.tenant_id = @tenant AND a.state = 'published'
ORDER BY 3 DESC, a.id LIMIT 200`

const kbEmptySearchSQL = `SELECT query, count(*) FROM kb_searches
WHERE tenant_id = @tenant AND results = 0 AND at >= @since
GROUP BY query ORDER BY count(*) DESC, query LIMIT 50`

// KBReport returns the figures since since; suggestion opens before
// deflectBefore from forms that never opened a ticket are deflections.
func (s *Store) KBReport(ctx context.Context, tenant helpdesk.TenantID, since, deflectBefore time.Time) (helpdesk.KBReport, error) {
	var out helpdesk.KBReport
	args := pgx.NamedArgs{"tenant": int64(tenant), "since": since, "deflect_before": deflectBefore}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(kbReportSQL, args).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var st helpdesk.KBArticleStats
				var id int64
				if err := rows.Scan(&id, &st.Title, &st.Views, &st.Helpful, &st.NotHelpful, &st.Deflections); err != nil {
					return err
				}
				st.Article = helpdesk.KBArticleID(id)
				out.Articles = append(out.Articles, st)
			}
			return rows.Err()
		})
		b.Queue(kbEmptySearchSQL, args).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var q helpdesk.KBQueryCount
				if err := rows.Scan(&q.Query, &q.Count); err != nil {
					return err
				}
				out.EmptySearch = append(out.EmptySearch, q)
			}
			return rows.Err()
		})
		return tx.SendBatch(ctx, b).Close()
	})
	return out, mapErr(err, "kb report")
}
