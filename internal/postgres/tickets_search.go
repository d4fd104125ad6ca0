package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Full-text search runs as statements of one batch (one round trip):
//
//  1. set_config puts the tsquery (websearch_to_tsquery over unaccented
//     text, Spanish or English) and the normalised words in transaction-local
//     settings (and raises cpu_operator_cost for step 2, see queueSearch);
//  2. the search reads ticket_search, whose SELECT policy matches those
//     settings, so the GIN indexes on (tenant_id, document) and
//     (tenant_id, words) do the matching despite row-level security (see
//     00002_tickets.sql), then ranks per ticket and applies the filter.
//
// The user's text only ever travels as a parameter.

// searchSQL scores each ticket as its current subject's match (full text,
// twice the weight, plus trigram word similarity) plus its best comment's
// match, plus 1 for a matching number. The score expression is
// deterministic, so a (score, id) cursor finds its place again. Only the
// page's best comments are read back, for the snippets.
const searchSQL = `WITH q AS (
	SELECT nullif(current_setting('app.search_query', true), '')::tsquery AS tsq,
		nullif(current_setting('app.search_words', true), '') AS words
), m AS MATERIALIZED (
	-- Planned on its own: inside the whole statement the planner, which
	-- cannot see the search values behind current_setting, prefers to scan
	-- the tenant's documents and filter (tens of times slower).
	-- Only the most recently written @rank_limit matching documents are
	-- ranked (see searchRankLimit): the subquery's LIMIT keeps ts_rank and
	-- word_similarity to those. It orders by s.id + 0 so that the matches
	-- still come from the GIN indexes: walking the primary key backwards
	-- until @rank_limit documents match reads the whole desk for a rare
	-- word, and the planner cannot tell a rare word from a common one.
	SELECT s.ticket_id, s.comment_id, s.words,
		CASE WHEN s.comment_id IS NULL
			THEN 2 * coalesce(ts_rank(s.document, q.tsq), 0) + coalesce(word_similarity(q.words, s.words), 0)
			ELSE coalesce(ts_rank(s.document, q.tsq), 0)
		END AS score
	FROM (SELECT s.ticket_id, s.comment_id, s.words, s.document FROM ticket_search s
		WHERE s.tenant_id = @tenant{{public_docs}}
		ORDER BY s.id + 0 DESC
		LIMIT @rank_limit) s, q
), d AS (
	-- Per ticket: the best comment and the matching subject documents
	-- (current or stale: which is current needs the ticket row).
	SELECT m.ticket_id,
		max(m.score) FILTER (WHERE m.comment_id IS NOT NULL) AS comment_score,
		(array_agg(m.comment_id ORDER BY m.score DESC, m.comment_id) FILTER (WHERE m.comment_id IS NOT NULL))[1] AS best_comment,
		array_agg(m.words) FILTER (WHERE m.words IS NOT NULL) AS subjects,
		array_agg(m.score) FILTER (WHERE m.words IS NOT NULL) AS subject_scores
	FROM m GROUP BY m.ticket_id
), n AS (
	SELECT t.id AS ticket_id FROM tickets t WHERE t.tenant_id = @tenant AND t.number = @number
), candidates AS (
	SELECT * FROM d
	UNION ALL
	SELECT n.ticket_id, NULL, NULL, NULL, NULL FROM n WHERE NOT EXISTS (SELECT FROM d WHERE d.ticket_id = n.ticket_id)
), hits AS (
	SELECT t.id, d.best_comment, (
		coalesce((SELECT max(x.score) FROM unnest(d.subjects, d.subject_scores) AS x(words, score)
			WHERE x.words = atiende_norm(t.subject)), 0)
		+ coalesce(d.comment_score, 0)
		+ CASE WHEN t.number = @number THEN 1 ELSE 0 END
	)::float8 AS score
	FROM candidates d JOIN tickets t ON t.tenant_id = @tenant AND t.id = d.ticket_id
	WHERE (d.comment_score IS NOT NULL OR t.number = @number OR atiende_norm(t.subject) = ANY (d.subjects))
	AND {{filter}}
), page AS (
	SELECT h.id, h.score, h.best_comment FROM hits h
	WHERE {{after}}
	ORDER BY h.score DESC, h.id DESC
	LIMIT @limit
)
SELECT ` + summaryColumns + `, page.score, (SELECT count(*) FROM m) >= @rank_limit,
	coalesce(
		(SELECT ts_headline('atiende_es', left(c.body, 4000), q.tsq,
				'StartSel="", StopSel="", MaxWords=30, MinWords=12, MaxFragments=1')
			FROM comments c WHERE c.tenant_id = @tenant AND c.id = page.best_comment AND q.tsq IS NOT NULL),
		(SELECT left(c.body, 240) FROM comments c
			WHERE c.tenant_id = @tenant AND c.ticket_id = t.id{{public_comments}}
			ORDER BY c.created_at, c.id
			LIMIT 1),
		'')
FROM page JOIN tickets t ON t.tenant_id = @tenant AND t.id = page.id CROSS JOIN q
ORDER BY page.score DESC, page.id DESC`

// searchRankLimit bounds how many matching documents a search ranks: the
// most recently written ones (a ticket's subject, its comments). Ranking
// costs about 16 µs per matching document, so a common word in a
// 100,000-ticket desk (13,800 documents) took 70-100 ms, and the next
// pages the same again; a word that matches fewer documents is ranked
// over all of them, as before. SearchPage.Bounded tells when the bound
// was reached: the hits are then the best of the recent matches, and an
// older ticket that matches only as well may not be among them.
const searchRankLimit = 2000

// SearchTickets runs a ranked full-text search restricted by q.Filter.
// With a customer scope only public comments are searched (and quoted), so
// an internal note can never make a ticket findable by its requester.
func (s *Store) SearchTickets(ctx context.Context, tenant helpdesk.TenantID, q helpdesk.SearchQuery) (helpdesk.SearchPage, error) {
	text := truncateRunes(strings.TrimSpace(q.Text), helpdesk.MaxQueryLen)
	if text == "" {
		return helpdesk.SearchPage{}, fmt.Errorf("postgres: search: %w", invalidField("q"))
	}
	if !q.Cursor.IsZero() && q.Cursor.Sort != (helpdesk.Sort{Key: helpdesk.SortRelevance, Desc: true}) {
		return helpdesk.SearchPage{}, fmt.Errorf("postgres: search: %w", invalidField("cursor"))
	}
	switch {
	case q.Limit <= 0:
		q.Limit = helpdesk.DefaultPageSize
	case q.Limit > helpdesk.MaxPageSize:
		q.Limit = helpdesk.MaxPageSize
	}
	f := q.Filter
	// The filter's own text (rare in a search) is checked on the hits only:
	// the trigram settings belong to the search text.
	filterText := truncateRunes(f.Text, helpdesk.MaxQueryLen)
	f.Text = ""
	w := newWhere(tenant)
	if err := w.filter(&f); err != nil {
		return helpdesk.SearchPage{}, fmt.Errorf("postgres: search: %w", err)
	}
	if filterText != "" {
		cond := "strpos(atiende_norm(t.subject), atiende_norm(" + w.arg(filterText) + "::text)) > 0"
		if n, err := helpdesk.ParseTicketNumber(filterText); err == nil {
			cond = "(t.number = " + w.arg(int64(n)) + " OR " + cond + ")"
		}
		w.add(cond)
	}
	var number int64
	if n, err := helpdesk.ParseTicketNumber(text); err == nil {
		number = int64(n)
	}
	w.args["number"], w.args["limit"], w.args["rank_limit"] = number, q.Limit+1, searchRankLimit
	after := "true"
	if !q.Cursor.IsZero() {
		after = "(h.score, h.id) < (@c_score::float8, @c_id::bigint)"
		w.args["c_score"], w.args["c_id"] = q.Cursor.Score, int64(q.Cursor.ID)
	}
	publicDocs, publicComments := "", ""
	if f.Customer != nil {
		publicDocs, publicComments = " AND s.public", " AND c.visibility = 'public'"
	}
	sql := strings.NewReplacer(
		"{{filter}}", w.sql(),
		"{{after}}", after,
		"{{public_docs}}", publicDocs,
		"{{public_comments}}", publicComments,
	).Replace(searchSQL)

	var page helpdesk.SearchPage
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		queueSearch(b, text, true, func() {
			b.Queue(sql, w.args).Query(func(rows pgx.Rows) error {
				for rows.Next() {
					var h helpdesk.SearchHit
					var err error
					if h.Ticket, err = scanSummary(rows, &h.Score, &page.Bounded, &h.Snippet); err != nil {
						return err
					}
					page.Hits = append(page.Hits, h)
				}
				return rows.Err()
			})
		})
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return helpdesk.SearchPage{}, mapErr(err, "search")
	}
	if len(page.Hits) > q.Limit {
		page.Hits = page.Hits[:q.Limit]
		page.Next = helpdesk.CursorAfterHit(page.Hits[q.Limit-1])
	}
	return page, nil
}
