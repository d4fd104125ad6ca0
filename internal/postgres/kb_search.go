package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Knowledge base search follows the tickets' (tickets_search.go): the
// search values go into transaction-local settings that kb_search's SELECT
// policy matches, so its GIN indexes serve the full-text and trigram
// conditions despite row-level security; the documents of stale versions
// are dropped by the join on the article's current version. Audience and
// state are ordinary conditions on the article.
//
// The score is twice the full-text rank (weights title A = 1, summary and
// tags B = 0.4, body C = 0.2) plus the trigram word similarity of the
// query to the title and tags, so a typo in a title word still ranks.
const kbSearchSQL = `WITH q AS (
	SELECT nullif(current_setting('app.search_query', true), '')::tsquery AS tsq,
		nullif(current_setting('app.search_words', true), '') AS words
), m AS MATERIALIZED (
	SELECT s.article_id, s.version,
		2 * coalesce(ts_rank('{0.1, 0.2, 0.4, 1.0}', s.document, q.tsq), 0) + coalesce(word_similarity(q.words, s.words), 0) AS score
	FROM kb_search s, q
	WHERE s.tenant_id = @tenant
), hits AS (
	-- Per translation group: the best match of any of its languages.
	SELECT coalesce(a.translation_of, a.id) AS grp, max(m.score) AS score
	FROM m JOIN kb_articles a ON a.tenant_id = @tenant AND a.id = m.article_id AND a.version = m.version
	JOIN kb_sections s ON s.tenant_id = a.tenant_id AND s.id = a.section_id
	JOIN kb_categories c ON c.tenant_id = s.tenant_id AND c.id = s.category_id
	WHERE a.state = 'published' AND a.audience = ANY (@audiences) AND c.archived_at IS NULL
	GROUP BY 1
), top AS (
	SELECT grp, score FROM hits ORDER BY score DESC, grp LIMIT @limit
), page AS (
	-- Each group of the page shown in the reader's language when it has
	-- one: a lookup per row of the page only.
	SELECT t.score, p.id FROM top t CROSS JOIN LATERAL (
		SELECT a.id FROM kb_articles a
		WHERE a.tenant_id = @tenant AND (a.id = t.grp OR a.translation_of = t.grp)
			AND a.state = 'published' AND a.audience = ANY (@audiences)
		ORDER BY (a.locale = @lang) DESC, a.id
		LIMIT 1
	) p
)
SELECT ` + "{{cols}}" + `, page.score::float8,
	CASE WHEN q.tsq IS NOT NULL AND a.body_text <> ''
		THEN ts_headline('atiende_es_headline', left(a.body_text, 20000), q.tsq,
			'StartSel=` + helpdesk.KBMarkStart + `, StopSel=` + helpdesk.KBMarkStop + `, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "')
		ELSE left(a.body_text, 200) END
FROM page
JOIN kb_articles a ON a.tenant_id = @tenant AND a.id = page.id
JOIN kb_sections s ON s.tenant_id = a.tenant_id AND s.id = a.section_id
CROSS JOIN q
ORDER BY page.score DESC, page.id`

// kbTrigramThreshold is the word similarity a title word needs to match a
// query word: pg_trgm's default 0.6 misses one swapped pair of letters in
// a seven-letter word ("facutra" for "factura" is 0.5).
const kbTrigramThresholdSQL = `SELECT set_config('pg_trgm.word_similarity_threshold', '0.45', true)`

// SearchKB ranks the published articles of q's audiences.
func (s *Store) SearchKB(ctx context.Context, tenant helpdesk.TenantID, q helpdesk.KBSearchQuery) ([]helpdesk.KBHit, error) {
	text := truncateRunes(strings.TrimSpace(q.Text), helpdesk.MaxKBQueryLen)
	if text == "" || len(q.Audiences) == 0 {
		return nil, nil
	}
	if q.Limit <= 0 || q.Limit > 50 {
		q.Limit = 20
	}
	if q.AnyWord {
		text = anyWord(text)
	}
	args := pgx.NamedArgs{"tenant": int64(tenant), "audiences": kbStrings(q.Audiences), "lang": q.Lang, "limit": q.Limit}
	sql := strings.Replace(kbSearchSQL, "{{cols}}", kbCols(q.WithBody), 1)
	var out []helpdesk.KBHit
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(kbTrigramThresholdSQL)
		queueSearch(b, text, true, func() {
			b.Queue(sql, args).Query(func(rows pgx.Rows) error {
				for rows.Next() {
					var h helpdesk.KBHit
					var err error
					if h.Article, err = scanKBArticle(rows, &h.Score, &h.Snippet); err != nil {
						return err
					}
					out = append(out, h)
				}
				return rows.Err()
			})
		})
		return tx.SendBatch(ctx, b).Close()
	})
	return out, mapErr(err, "kb search")
}

// anyWord rewrites text for websearch_to_tsquery as its words joined by
// "or" (quotes and leading minus signs, which would change the meaning,
// dropped).
func anyWord(text string) string {
	words := strings.Fields(strings.NewReplacer(`"`, " ", "(", " ", ")", " ").Replace(text))
	out := words[:0]
	for _, w := range words {
		w = strings.TrimLeft(w, "-")
		if w != "" && !strings.EqualFold(w, "or") {
			out = append(out, w)
		}
	}
	return strings.Join(out, " or ")
}
