package postgres_test

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

func TestTimelineOrderAndVisibility(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	tk := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "No llega el correo", Description: "Desde el lunes no recibo correos."})
	d.clock.Advance(time.Minute)
	tk, err := d.svc.AddNote(ctx, d.agent.Actor(), at(tk), helpdesk.CommentInput{
		Body:        "Revisar el filtro antispam",
		Attachments: []helpdesk.NewAttachment{{Filename: "log.txt", ContentType: "text/plain", Data: []byte("spam score 9")}},
	})
	require.NoError(t, err)
	d.clock.Advance(time.Minute)
	res, err := d.svc.Reply(ctx, d.agent.Actor(), at(tk), helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Hemos liberado sus correos.", HTML: "<p>Hemos liberado sus correos.</p>"}, Public: true,
		Status: helpdesk.StatusSolved,
	})
	require.NoError(t, err)
	tk = res.Ticket

	staff, err := d.s.Timeline(ctx, d.tenant.ID, tk.ID, helpdesk.TimelineStaff)
	require.NoError(t, err)
	type row struct {
		comment string
		event   helpdesk.EventKind
	}
	var got []row
	for i, e := range staff {
		if i > 0 {
			assert.False(t, e.At.Before(staff[i-1].At), "in time order")
		}
		switch {
		case e.Comment != nil:
			require.Nil(t, e.Event)
			got = append(got, row{comment: e.Comment.Body})
		default:
			require.NotNil(t, e.Event)
			got = append(got, row{event: e.Event.Kind})
			assert.Zero(t, e.Event.Comment, "events about a comment are folded into it")
		}
	}
	assert.Equal(t, []row{
		{comment: "Desde el lunes no recibo correos."},
		{event: helpdesk.EventPriorityChanged},
		{comment: "Revisar el filtro antispam"},
		{comment: "Hemos liberado sus correos."},
		{event: helpdesk.EventStatusChanged}, // new → open by the reply
		{event: helpdesk.EventAssigned},      // the solver becomes the assignee
		{event: helpdesk.EventStatusChanged}, // open → solved
	}, got)
	first := staff[0].Comment
	assert.Equal(t, helpdesk.Author{Kind: helpdesk.AuthorCustomer, User: d.cust.ID, Name: d.cust.Name}, first.Author)
	assert.Equal(t, helpdesk.Public, first.Visibility)
	assert.Equal(t, tk.ID, first.Ticket)
	note := staff[2].Comment
	assert.Equal(t, helpdesk.Internal, note.Visibility)
	require.Len(t, note.Attachments, 1)
	assert.Equal(t, "log.txt", note.Attachments[0].Filename)
	assert.Equal(t, int64(12), note.Attachments[0].Size)
	reply := staff[3].Comment
	assert.Equal(t, "<p>Hemos liberado sus correos.</p>", reply.HTML)
	assert.Equal(t, d.clock.Now(), reply.CreatedAt)

	customer, err := d.s.Timeline(ctx, d.tenant.ID, tk.ID, helpdesk.TimelineCustomer)
	require.NoError(t, err)
	require.Len(t, customer, 2, "public comments only")
	for _, e := range customer {
		require.NotNil(t, e.Comment)
		assert.Equal(t, helpdesk.Public, e.Comment.Visibility)
		assert.Empty(t, e.Comment.Attachments)
	}

	// Every event is stored with the right comment id, even though the
	// timeline folds them.
	var withComment int
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM events e JOIN comments c ON c.tenant_id = e.tenant_id AND c.id = e.comment_id
			WHERE e.tenant_id = $1 AND e.ticket_id = $2 AND c.ticket_id = e.ticket_id`, int64(d.tenant.ID), int64(tk.ID)).Scan(&withComment)
	}))
	assert.Equal(t, 3, withComment, "created, note_added and comment_added point at their comments")
}

func TestMergeCopiesCommentsAndFileReferences(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	other := d.user(t, "otra@acme.example", "Otra Clienta", helpdesk.RoleCustomer, 0)
	source := d.open(t, other.Actor(), helpdesk.NewTicket{
		Subject: "Factura duplicada", Description: "Me han cobrado dos veces.",
		Attachments: []helpdesk.NewAttachment{{Filename: "factura.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 factura")}},
	})
	d.clock.Advance(time.Minute)
	target := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Cobro doble", Description: "Veo dos cargos."})
	d.clock.Advance(time.Minute)

	_, err := d.svc.Merge(ctx, d.agent.Actor(), at(source), target.Number)
	require.NoError(t, err)

	tl, err := d.s.Timeline(ctx, d.tenant.ID, target.ID, helpdesk.TimelineStaff)
	require.NoError(t, err)
	var copied *helpdesk.Comment
	for _, e := range tl {
		if e.Comment != nil && e.Comment.MergedFrom == source.Number {
			copied = e.Comment
		}
	}
	require.NotNil(t, copied, "the source's description was copied")
	assert.Equal(t, helpdesk.Internal, copied.Visibility, "different requesters: copies are internal notes")
	assert.Equal(t, "Me han cobrado dos veces.", copied.Body)
	assert.Equal(t, other.ID, copied.Author.User, "authors are kept")
	assert.Equal(t, source.CreatedAt, copied.CreatedAt, "times are kept")
	require.Len(t, copied.Attachments, 1)

	// The copy is a new file id on the same bytes, authorised by the target.
	f, err := d.s.Attachment(ctx, d.tenant.ID, copied.Attachments[0].ID)
	require.NoError(t, err)
	assert.Equal(t, target.Number, f.Ticket)
	assert.True(t, f.Internal)
	assert.Equal(t, []byte("%PDF-1.7 factura"), f.Data)

	// The target's requester may not read the copied note or its file.
	cust, err := d.s.Timeline(ctx, d.tenant.ID, target.ID, helpdesk.TimelineCustomer)
	require.NoError(t, err)
	for _, e := range cust {
		assert.NotEqual(t, source.Number, e.Comment.MergedFrom)
	}
	_, err = d.svc.Attachment(ctx, d.cust.Actor(), copied.Attachments[0].ID)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)

	// And the copy is searchable on the target, for staff only.
	hits, err := d.s.SearchTickets(ctx, d.tenant.ID, helpdesk.SearchQuery{Text: "veces", Filter: helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusNew}}})
	require.NoError(t, err)
	require.Len(t, hits.Hits, 1)
	assert.Equal(t, target.Number, hits.Hits[0].Ticket.Number)
	page, err := d.svc.SearchTickets(ctx, d.cust.Actor(), helpdesk.SearchQuery{Text: "veces"})
	require.NoError(t, err)
	assert.Empty(t, page.Hits, "an internal note never makes a ticket findable by a customer")
}

func TestMergeWithSameRequesterKeepsVisibility(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	a := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Primero", Description: "Texto uno"})
	d.clock.Advance(time.Minute)
	b := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Segundo", Description: "Texto dos"})
	_, err := d.svc.Merge(ctx, d.agent.Actor(), at(a), b.Number)
	require.NoError(t, err)
	tl, err := d.s.Timeline(ctx, d.tenant.ID, b.ID, helpdesk.TimelineCustomer)
	require.NoError(t, err)
	var bodies []string
	for _, e := range tl {
		bodies = append(bodies, e.Comment.Body)
	}
	assert.Equal(t, []string{"Texto uno", "Texto dos"}, bodies, "public copies, in time order")
}

func TestAttachmentsAndTheirLimits(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	st := helpdesk.DefaultTicketSettings()
	st.Attachments = helpdesk.AttachmentLimits{MaxFileBytes: 100, MaxCommentBytes: 150, MaxTicketBytes: 200, MaxFiles: 3}
	require.NoError(t, d.s.SetTicketSettings(ctx, d.tenant.ID, st))
	file := func(name string, n int) helpdesk.NewAttachment {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i)
		}
		return helpdesk.NewAttachment{Filename: name, ContentType: "application/octet-stream", Data: data}
	}
	tk := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Adjuntos", Description: "Dos ficheros",
		Attachments: []helpdesk.NewAttachment{file("a.bin", 80), file("b.bin", 60)}})
	used, err := d.s.AttachmentBytes(ctx, d.tenant.ID, tk.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(140), used)

	tl, err := d.s.Timeline(ctx, d.tenant.ID, tk.ID, helpdesk.TimelineStaff)
	require.NoError(t, err)
	files := tl[0].Comment.Attachments
	require.Len(t, files, 2)
	assert.Equal(t, "a.bin", files[0].Filename, "files keep their order")
	for _, f := range files {
		assert.Greater(t, int64(f.ID), int64(1)<<32, "ids are random 63-bit numbers, not a sequence")
		got, err := d.svc.Attachment(ctx, d.cust.Actor(), f.ID)
		require.NoError(t, err)
		assert.Equal(t, tk.Number, got.Ticket)
		assert.False(t, got.Internal)
		assert.Equal(t, f.Size, int64(len(got.Data)))
		assert.Equal(t, byte(5), got.Data[5])
	}

	// 140 + 70 > 200: the ticket is full, and nothing is written.
	_, err = d.svc.Reply(ctx, d.cust.Actor(), at(tk), helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{
		Body: "Otro más", Attachments: []helpdesk.NewAttachment{file("c.bin", 70)}}, Public: true})
	var ve *helpdesk.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "error.attachments_ticket_full", ve.Fields["attachments"])
	used, err = d.s.AttachmentBytes(ctx, d.tenant.ID, tk.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(140), used)

	// 140 + 60 = 200 fits exactly.
	res, err := d.svc.Reply(ctx, d.cust.Actor(), at(tk), helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{
		Body: "El último", Attachments: []helpdesk.NewAttachment{file("d.bin", 60)}}, Public: true})
	require.NoError(t, err)
	used, err = d.s.AttachmentBytes(ctx, d.tenant.ID, res.Ticket.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(200), used)

	_, err = d.s.Attachment(ctx, d.tenant.ID, 12345)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
}
