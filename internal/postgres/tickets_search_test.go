package postgres_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

func hitNumbers(p helpdesk.SearchPage) []helpdesk.TicketNumber {
	var out []helpdesk.TicketNumber
	for _, h := range p.Hits {
		out = append(out, h.Ticket.Number)
	}
	return out
}

func TestSearchInSpanishAndEnglish(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "busca")
	ctx := d.ctx()
	printer := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "La impresora no imprime",
		Description: "Sale una hoja en blanco cada vez."})
	config := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Correo del móvil",
		Description: "Necesito ayuda con la configuración del correo en el teléfono."})
	english := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Printers offline",
		Description: "None of the office printers are printing since the update."})
	invoice := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Factura 2024-0077 sin pagar",
		Description: "Adjunto la referencia."})
	d.clock.Advance(time.Minute)
	_, err := d.svc.Reply(d.ctx(), d.agent.Actor(), at(config), helpdesk.ReplyInput{Public: true,
		CommentInput: helpdesk.CommentInput{Body: "Pruebe a reinstalar el perfil de configuración IMAP."}})
	require.NoError(t, err)

	search := func(text string) helpdesk.SearchPage {
		t.Helper()
		q := helpdesk.SearchQuery{Text: text}
		require.NoError(t, q.Validate())
		p, err := d.s.SearchTickets(ctx, d.tenant.ID, q)
		require.NoError(t, err, text)
		return p
	}
	tests := []struct {
		query string
		want  helpdesk.Ticket
	}{
		{"impresoras", printer},                      // plural finds singular (Spanish stemming)
		{"Impresora", printer},                       // case
		{"configuracion", config},                    // no accent finds the accented word
		{"configuración correo", config},             // several words
		{"CONFIGURACIÓN", config},                    // accent and case
		{"telefono", config},                         // in the description only
		{"imap", config},                             // in a reply only
		{"impres", printer},                          // a partial word, by trigram on the subject
		{"impressora", printer},                      // a typo, by trigram
		{"printer", english},                         // English stemming
		{"printing", english},                        // English stemming, in the description
		{printer.Number.String(), printer},           // "#1"
		{fmt.Sprint(int64(english.Number)), english}, // "3"
		{"2024-0077", invoice},                       // numbers inside the subject
		{`"impresora no imprime"`, printer},          // websearch phrase syntax
		{"impresora or factura", printer},            // websearch OR
		{"hoja blanco", printer},                     // stop words and stems
	}
	for _, tt := range tests {
		p := search(tt.query)
		require.NotEmpty(t, p.Hits, tt.query)
		assert.Equal(t, tt.want.Number, p.Hits[0].Ticket.Number, "best hit for %q", tt.query)
		assert.Positive(t, p.Hits[0].Score)
	}
	assert.ElementsMatch(t, []helpdesk.TicketNumber{printer.Number, invoice.Number}, hitNumbers(search("impresora or factura")))

	// The snippet is plain text around the match, from the best comment.
	p := search("imap")
	assert.Contains(t, p.Hits[0].Snippet, "IMAP")
	assert.NotContains(t, p.Hits[0].Snippet, "<")
	p = search("impres") // subject only: the description is quoted
	assert.Equal(t, "Sale una hoja en blanco cada vez.", p.Hits[0].Snippet)
	assert.Equal(t, "La impresora no imprime", p.Hits[0].Ticket.Subject)
}

func TestSearchIsHarmlessWithHostileInput(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "busca")
	ctx := d.ctx()
	tk := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Tabla de precios", Description: "Drop de la tabla tickets"})
	for _, text := range []string{
		`'); DROP TABLE tickets;--`,
		`a & | !`,
		`!!!`,
		`:*`,
		`"unclosed`,
		`(((`,
		`impresora'::tsquery`,
		`%_\`,
		`' OR 1=1 --`,
		`\x00\u202e`,
		strings.Repeat("ñ", 10000),
		strings.Repeat("a & ", 2500),
	} {
		_, err := d.s.SearchTickets(ctx, d.tenant.ID, helpdesk.SearchQuery{Text: text})
		require.NoError(t, err, "store, %.30q", text)
		_, err = d.s.ListTickets(ctx, d.tenant.ID, helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Text: text}})
		require.NoError(t, err, "list filter, %.30q", text)
		_, err = d.svc.SearchTickets(ctx, d.agent.Actor(), helpdesk.SearchQuery{Text: text})
		if err != nil {
			var ve *helpdesk.ValidationError
			require.ErrorAs(t, err, &ve, "the service refuses with a validation error, %.30q", text)
		}
	}
	p, err := d.s.SearchTickets(ctx, d.tenant.ID, helpdesk.SearchQuery{Text: `'); DROP TABLE tickets;--`})
	require.NoError(t, err)
	assert.Equal(t, []helpdesk.TicketNumber{tk.Number}, hitNumbers(p), "the words are just words: drop, tabla, tickets")
	_, err = d.s.Ticket(ctx, d.tenant.ID, tk.Number)
	require.NoError(t, err, "the table is still there")

	_, err = d.s.SearchTickets(ctx, d.tenant.ID, helpdesk.SearchQuery{Text: "x", Cursor: helpdesk.Cursor{Sort: helpdesk.DefaultSort, ID: 1, Time: time.Now()}})
	var ve *helpdesk.ValidationError
	require.ErrorAs(t, err, &ve, "a list cursor is not a search cursor")
}

func TestSearchRespectsCustomerScopeAndInternalNotes(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "busca")
	ctx := d.ctx()
	other := d.user(t, "otro@busca.example", "Otro Cliente", helpdesk.RoleCustomer, 0)
	mine := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Mi portátil no enciende", Description: "Nada."})
	theirs := d.open(t, other.Actor(), helpdesk.NewTicket{Subject: "El portátil se apaga", Description: "Se apaga solo."})
	noted := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Acceso a la VPN", Description: "No conecta."})
	_, err := d.svc.AddNote(ctx, d.agent.Actor(), at(noted), helpdesk.CommentInput{Body: "La contraseña del router es cebolla"})
	require.NoError(t, err)

	p, err := d.svc.SearchTickets(ctx, d.cust.Actor(), helpdesk.SearchQuery{Text: "portatil"})
	require.NoError(t, err)
	assert.Equal(t, []helpdesk.TicketNumber{mine.Number}, hitNumbers(p), "own tickets only")
	p, err = d.svc.SearchTickets(ctx, d.cust.Actor(), helpdesk.SearchQuery{Text: theirs.Number.String()})
	require.NoError(t, err)
	assert.Empty(t, p.Hits, "not even by number")
	p, err = d.svc.SearchTickets(ctx, d.cust.Actor(), helpdesk.SearchQuery{Text: "cebolla"})
	require.NoError(t, err)
	assert.Empty(t, p.Hits, "internal notes are not searched for customers")
	p, err = d.svc.SearchTickets(ctx, d.cust.Actor(), helpdesk.SearchQuery{Text: "vpn"})
	require.NoError(t, err)
	require.Len(t, p.Hits, 1)
	assert.NotContains(t, p.Hits[0].Snippet, "cebolla", "snippets quote public comments only")

	p, err = d.svc.SearchTickets(ctx, d.agent.Actor(), helpdesk.SearchQuery{Text: "portatil"})
	require.NoError(t, err)
	assert.ElementsMatch(t, []helpdesk.TicketNumber{mine.Number, theirs.Number}, hitNumbers(p))
	p, err = d.svc.SearchTickets(ctx, d.agent.Actor(), helpdesk.SearchQuery{Text: "cebolla"})
	require.NoError(t, err)
	require.Equal(t, []helpdesk.TicketNumber{noted.Number}, hitNumbers(p), "staff find internal notes")
	assert.Contains(t, p.Hits[0].Snippet, "cebolla")

	// The filter narrows a search too.
	p, err = d.svc.SearchTickets(ctx, d.agent.Actor(), helpdesk.SearchQuery{Text: "portatil",
		Filter: helpdesk.TicketFilter{Requester: other.ID}})
	require.NoError(t, err)
	assert.Equal(t, []helpdesk.TicketNumber{theirs.Number}, hitNumbers(p))
}

func TestSearchPagination(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "busca")
	ctx := d.ctx()
	var all []helpdesk.TicketNumber
	for i := range 23 {
		// Different lengths and repetitions give different ranks; some tie.
		body := strings.Repeat("servidor caído ", 1+i%4) + strings.Repeat("texto de relleno ", i%5)
		all = append(all, d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: fmt.Sprintf("Aviso %d", i), Description: body}).Number)
	}
	d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Otra cosa", Description: "nada que ver"})
	var got []helpdesk.TicketNumber
	q := helpdesk.SearchQuery{Text: "servidores", Limit: 5}
	prev := 1e9
	for range 10 {
		require.NoError(t, q.Validate())
		p, err := d.s.SearchTickets(ctx, d.tenant.ID, q)
		require.NoError(t, err)
		for _, h := range p.Hits {
			assert.LessOrEqual(t, h.Score, prev, "best first")
			prev = h.Score
		}
		got = append(got, hitNumbers(p)...)
		if p.Next.IsZero() {
			break
		}
		q.Cursor, err = helpdesk.ParseCursor(p.Next.String(), helpdesk.Sort{Key: helpdesk.SortRelevance, Desc: true})
		require.NoError(t, err)
	}
	assert.ElementsMatch(t, all, got, "every hit once")
	assert.Len(t, got, len(all))
}

// TestSearchPolicyHidesUnmatchedDocuments shows how ticket_search works: it
// reads as empty unless the transaction set a search, and then only the
// tenant's matching documents are visible.
func TestSearchPolicyHidesUnmatchedDocuments(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "alfa")
	b := newDesk(t, pool, "beta")
	a.open(t, a.cust.Actor(), helpdesk.NewTicket{Subject: "Impresora", Description: "La impresora falla"})
	b.open(t, b.cust.Actor(), helpdesk.NewTicket{Subject: "Impresora", Description: "La impresora falla"})
	count := func(d *desk, set string) int {
		var n int
		require.NoError(t, d.tx(func(tx pgx.Tx) error {
			if set != "" {
				if _, err := tx.Exec(d.ctx(), `SELECT set_config('app.search_query', atiende_tsquery($1)::text, true)`, set); err != nil {
					return err
				}
			}
			return tx.QueryRow(d.ctx(), `SELECT count(*) FROM ticket_search`).Scan(&n)
		}))
		return n
	}
	assert.Zero(t, count(a, ""), "no search: nothing")
	assert.Equal(t, 2, count(a, "impresora"), "subject and description of A's ticket, not B's")
	assert.Zero(t, count(a, "teclado"))
}

// A word in more documents than a search ranks is ranked over the most
// recently written ones, and the page says so; a rarer word is ranked
// over all its documents.
func TestSearchRanksTheMostRecentMatchesOfACommonWord(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	d := newDesk(t, pool, "comun")
	ctx := d.ctx()
	seedTenant(t, d, 2600) // every subject reads "Problema con …"
	admin, err := pgx.Connect(ctx, pgtest.AdminURL(t, pool.Config().ConnConfig.Database))
	require.NoError(t, err)
	defer func() { _ = admin.Close(ctx) }()
	rows, _ := admin.Query(ctx, `SELECT DISTINCT t.number FROM (SELECT ticket_id FROM ticket_search
		WHERE tenant_id = $1 AND words IS NOT NULL ORDER BY id DESC LIMIT 2000) s
		JOIN tickets t ON t.tenant_id = $1 AND t.id = s.ticket_id`, int64(d.tenant.ID))
	recent, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(t, err)

	page, err := d.svc.SearchTickets(ctx, d.agent.Actor(), helpdesk.SearchQuery{Text: "problema", Limit: 50})
	require.NoError(t, err)
	assert.True(t, page.Bounded, "2,600 subjects match")
	require.Len(t, page.Hits, 50)
	for _, h := range page.Hits {
		assert.Contains(t, recent, int64(h.Ticket.Number), "a hit among the most recent matches")
	}
	next, err := d.svc.SearchTickets(ctx, d.agent.Actor(), helpdesk.SearchQuery{Text: "problema", Limit: 50, Cursor: page.Next})
	require.NoError(t, err)
	assert.True(t, next.Bounded)
	assert.NotContains(t, hitNumbers(next), page.Hits[49].Ticket.Number, "the next page follows")

	rare, err := d.svc.SearchTickets(ctx, d.agent.Actor(), helpdesk.SearchQuery{Text: "contraseña", Limit: 50})
	require.NoError(t, err)
	assert.False(t, rare.Bounded, "a word in few subjects is ranked over all of them")
	assert.NotEmpty(t, rare.Hits)
}
