package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// TestKBSearchUsesItsIndexes: with 3,000 articles in the tenant, the
// search documents are read through the GIN indexes despite row-level
// security (the search predicate is in kb_search's policy), and a search
// through the service stays fast. Figures are logged (go test -v).
func TestKBSearchUsesItsIndexes(t *testing.T) {
	t.Parallel()
	pool, tracer := pgtest.NewTraced(t, 4)
	d := newDesk(t, pool, "acme")
	arts := kbFixture(t, d)
	start := time.Now()
	d.exec(t, `INSERT INTO kb_articles (tenant_id, section_id, locale, slug, title, summary, body_text, audience, state, created_at, updated_at)
		SELECT current_tenant(), $1, 'es', 'a-' || g,
			'Artículo ' || g || ' sobre ' || (ARRAY['impresoras', 'correo', 'nóminas', 'pedidos', 'tienda', 'escáner'])[1 + g % 6],
			'', 'Texto de relleno número ' || g || ' con ' || (ARRAY['cuentas', 'envíos', 'clientes', 'almacén', 'informes'])[1 + g % 5]
				|| ' y más palabras, para que el documento tenga un cuerpo de tamaño normal.',
			'public', 'published', now(), now()
		FROM generate_series(1, 3000) g`, int64(arts[0].Section))
	d.exec(t, `INSERT INTO kb_search (tenant_id, article_id, version, words, document)
		SELECT a.tenant_id, a.id, a.version, atiende_norm(a.title),
			setweight(atiende_tsvector(a.title), 'A') || setweight(atiende_tsvector(a.body_text), 'C')
		FROM kb_articles a WHERE a.tenant_id = current_tenant() AND a.slug LIKE 'a-%'`)
	// Only the owner may ANALYZE (see TestQueuePlansOnRealisticData).
	owner, err := pgx.Connect(context.Background(), pgtest.OwnerURL(t, pool.Config().ConnConfig.Database))
	require.NoError(t, err)
	_, err = owner.Exec(context.Background(), `ANALYZE kb_search; ANALYZE kb_articles`)
	require.NoError(t, err)
	require.NoError(t, owner.Close(context.Background()))
	t.Logf("seeded 3,000 articles and their documents in %v", time.Since(start).Round(time.Millisecond))

	// The plan of the store's own statement, as sent.
	stmts := tracer.Capture(func() {
		_, err := d.svc.SearchHelp(d.ctx(), d.agent.Actor(), "impresoras", "es", helpdesk.KBFromConsole)
		require.NoError(t, err)
	})
	var main traced
	var before []traced
	for _, st := range stmts {
		switch {
		case strings.Contains(st.SQL, "FROM kb_search s"):
			main = st
		case main.SQL == "" && strings.HasPrefix(strings.TrimSpace(st.SQL), "SELECT set_config"):
			before = append(before, st)
		}
	}
	require.NotEmpty(t, main.SQL)
	for _, mode := range []string{"custom", "generic"} {
		custom, generic := explain(t, d, before, main)
		plan := custom
		if mode == "generic" {
			plan = generic
		}
		var gin bool
		plan.walk(func(n planNode) {
			gin = gin || strings.HasPrefix(n.Index, "kb_search_document") || strings.HasPrefix(n.Index, "kb_search_words")
			assert.False(t, n.NodeType == "Seq Scan" && strings.HasPrefix(n.Relation, "kb_"), "%s plan: sequential scan on %s\n%s", mode, n.Relation, plan)
		})
		assert.True(t, gin, "%s plan: search uses the GIN indexes\n%s", mode, plan)
		if testing.Verbose() && mode == "custom" {
			t.Logf("plan:\n%s", plan)
		}
	}

	// Timings through the service (each search its own transaction).
	agent := d.agent.Actor()
	for _, q := range []string{"factura", "facutra", "impresoras", "no puedo descargar mi factura"} {
		var took []time.Duration
		for range 9 {
			s := time.Now()
			hits, err := d.svc.SearchHelp(d.ctx(), agent, q, "es", helpdesk.KBFromConsole)
			took = append(took, time.Since(s))
			require.NoError(t, err)
			require.NotEmpty(t, hits, q)
		}
		slices.Sort(took)
		t.Logf("search %q: p50 %v, max %v", q, took[len(took)/2].Round(10*time.Microsecond), took[len(took)-1].Round(10*time.Microsecond))
		assert.Less(t, took[len(took)/2], 200*time.Millisecond, q)
	}
}
