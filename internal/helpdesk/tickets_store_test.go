package helpdesk

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Sort
		bad  bool
	}{
		{in: "", want: DefaultSort},
		{in: "updated", want: Sort{Key: SortUpdated}},
		{in: "-updated", want: Sort{Key: SortUpdated, Desc: true}},
		{in: "-priority", want: Sort{Key: SortPriority, Desc: true}},
		{in: "due", want: Sort{Key: SortDue}},
		{in: "created", want: Sort{Key: SortCreated}},
		{in: "relevance", bad: true},
		{in: "subject", bad: true},
		{in: "updated_at; DROP TABLE tickets", bad: true},
		{in: "--updated", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseSort(tt.in)
		if tt.bad {
			require.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got)
		if tt.in != "" {
			assert.Equal(t, tt.in, got.String())
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 9, 30, 15, 123456000, time.UTC)
	last := TicketSummary{ID: 77, Priority: PriorityHigh, UpdatedAt: at, CreatedAt: at.Add(-time.Hour)}
	for _, s := range []Sort{DefaultSort, {Key: SortCreated}, {Key: SortPriority, Desc: true}, {Key: SortDue}} {
		c := CursorAfter(s, last)
		got, err := ParseCursor(c.String(), s)
		require.NoError(t, err, s)
		assert.Equal(t, c, got, s)
		_, err = ParseCursor(c.String(), Sort{Key: SortUpdated, Desc: !s.Desc})
		require.Error(t, err, "a cursor only continues the sort it was made for")
	}
	hit := SearchHit{Ticket: TicketSummary{ID: 5}, Score: 0.123456789}
	c := CursorAfterHit(hit)
	got, err := ParseCursor(c.String(), relevanceSort)
	require.NoError(t, err)
	assert.Equal(t, c, got)

	zero, err := ParseCursor("", DefaultSort)
	require.NoError(t, err)
	assert.True(t, zero.IsZero())
	assert.Empty(t, Cursor{}.String())
}

func TestCursorRejectsForgeries(t *testing.T) {
	t.Parallel()
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, bad := range []string{
		"not base64!",
		strings.Repeat("A", maxCursorLen+1),
		enc("2|-updated|1772443815123456|0|0|77"),            // unknown version
		enc("1|-updated|1772443815123456|0|0"),               // missing part
		enc("1|-updated|1772443815123456|0|0|0"),             // no id
		enc("1|-updated|1772443815123456|0|0|-5"),            // negative id
		enc("1|-updated|-|0|0|77"),                           // updated needs a time
		enc("1|-updated|99999999999999999|0|0|77"),           // year out of range
		enc("1|-updated|1772443815123456|3|0|77"),            // rank on a time sort
		enc("1|-priority|1772443815123456|9|0|77"),           // rank out of range
		enc("1|-relevance|-|0|NaN|77"),                       // not a number
		enc("1|-relevance|-|0|+Inf|77"),                      // not finite
		enc("1|subject|1772443815123456|0|0|77"),             // unknown sort
		enc("1|-updated|1772443815123456|0|0|77'; DROP --"),  // junk id
		enc("1|-updated|1772443815123456|0|0|77|extra part"), // extra part
	} {
		_, err := ParseCursor(bad, DefaultSort)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, bad)
		assert.Equal(t, "error.invalid", ve.Fields["cursor"])
	}
	// A due cursor may carry no instant: tickets without SLA sort last.
	_, err := ParseCursor(enc("1|due|-|0|0|77"), Sort{Key: SortDue})
	require.NoError(t, err)
}

func TestTicketQueryValidate(t *testing.T) {
	t.Parallel()
	q := TicketQuery{Filter: TicketFilter{Tag: " VPN ", Text: "  impresora\x00 "}}
	require.NoError(t, q.Validate())
	assert.Equal(t, DefaultSort, q.Sort)
	assert.Equal(t, DefaultPageSize, q.Limit)
	assert.Equal(t, "vpn", q.Filter.Tag)
	assert.Equal(t, "impresora", q.Filter.Text)

	tests := []struct {
		name  string
		q     TicketQuery
		field string
	}{
		{"limit too big", TicketQuery{Limit: MaxPageSize + 1}, "limit"},
		{"negative limit", TicketQuery{Limit: -1}, "limit"},
		{"relevance outside search", TicketQuery{Sort: relevanceSort}, "sort"},
		{"unknown sort", TicketQuery{Sort: Sort{Key: "subject"}}, "sort"},
		{"cursor of another sort", TicketQuery{Sort: DefaultSort, Cursor: Cursor{Sort: Sort{Key: SortCreated}, ID: 3}}, "cursor"},
		{"bad status", TicketQuery{Filter: TicketFilter{Statuses: []Status{"reopened"}}}, "status"},
		{"bad priority", TicketQuery{Filter: TicketFilter{Priorities: []Priority{"critical"}}}, "priority"},
		{"unresolved me", TicketQuery{Filter: TicketFilter{Assignee: AssigneeFilter{Mode: AssigneeMe}}}, "assignee"},
		{"user without id", TicketQuery{Filter: TicketFilter{Assignee: AssigneeFilter{Mode: AssigneeUser}}}, "assignee"},
		{"unknown assignee mode", TicketQuery{Filter: TicketFilter{Assignee: AssigneeFilter{Mode: "everyone"}}}, "assignee"},
		{"bad channel", TicketQuery{Filter: TicketFilter{Channel: "fax"}}, "channel"},
		{"bad group", TicketQuery{Filter: TicketFilter{Groups: []GroupID{0}}}, "group"},
		{"bad tag", TicketQuery{Filter: TicketFilter{Tag: "<b>"}}, "tag"},
		{"two tags in one", TicketQuery{Filter: TicketFilter{Tag: "a b"}}, "tag"},
		{"text too long", TicketQuery{Filter: TicketFilter{Text: strings.Repeat("x", 10000)}}, "q"},
		{"customer scope without user", TicketQuery{Filter: TicketFilter{Customer: &CustomerScope{}}}, "filter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ve *ValidationError
			require.ErrorAs(t, tt.q.Validate(), &ve)
			assert.Contains(t, ve.Fields, tt.field)
		})
	}
}

func TestSearchQueryValidate(t *testing.T) {
	t.Parallel()
	q := SearchQuery{Text: ` "impresora" & !red:* `}
	require.NoError(t, q.Validate(), "tsquery syntax is just text to the domain")
	var ve *ValidationError
	empty := SearchQuery{Text: " \x00"}
	require.ErrorAs(t, empty.Validate(), &ve)
	assert.Equal(t, "error.required", ve.Fields["q"])
	long := SearchQuery{Text: strings.Repeat("a", 10000)}
	require.ErrorAs(t, long.Validate(), &ve)
	assert.Equal(t, "error.too_long", ve.Fields["q"])
	wrong := SearchQuery{Text: "a", Cursor: Cursor{Sort: DefaultSort, ID: 1}}
	require.ErrorAs(t, wrong.Validate(), &ve)
	assert.Contains(t, ve.Fields, "cursor")
}

func TestSummaryForCustomer(t *testing.T) {
	t.Parallel()
	s := TicketSummary{Status: StatusOnHold, Group: 2, GroupName: "Nivel 2", AssigneeName: "Ana"}.ForCustomer()
	assert.Equal(t, StatusOpen, s.Status)
	assert.Zero(t, s.Group)
	assert.Empty(t, s.GroupName)
	assert.Equal(t, "Ana", s.AssigneeName)
}

func TestDefaultTicketSettings(t *testing.T) {
	t.Parallel()
	st := DefaultTicketSettings()
	require.NoError(t, st.Matrix.Validate())
	assert.Equal(t, 96*time.Hour, st.AutoCloseAfter, "DESIGN.md: 4 days after Resuelto")
	assert.Zero(t, st.AutoSolveAfter)
}
