package helpdesk

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"time"
)

// SortKey is what a ticket list is ordered by.
type SortKey string

const (
	SortUpdated   SortKey = "updated"   // keyset (updated_at, id)
	SortCreated   SortKey = "created"   // keyset (created_at, id)
	SortPriority  SortKey = "priority"  // keyset (priority rank, updated_at, id)
	SortDue       SortKey = "due"       // keyset (next SLA due, id); no due instant sorts as +infinity
	SortRelevance SortKey = "relevance" // search only: keyset (score, id), best first
)

func (k SortKey) valid() bool {
	switch k {
	case SortUpdated, SortCreated, SortPriority, SortDue, SortRelevance:
		return true
	}
	return false
}

// Sort is a list order. Every key of the keyset runs in the same direction,
// with the ticket id as the final tie-breaker.
type Sort struct {
	Key  SortKey
	Desc bool
}

// DefaultSort shows the most recently updated tickets first.
var DefaultSort = Sort{Key: SortUpdated, Desc: true}

var relevanceSort = Sort{Key: SortRelevance, Desc: true}

// ParseSort reads "updated" (ascending) or "-updated" (descending); empty
// is DefaultSort. Only the known keys are accepted, so nothing submitted
// ever reaches SQL as a column name.
func ParseSort(s string) (Sort, error) {
	if s == "" {
		return DefaultSort, nil
	}
	desc := false
	if s[0] == '-' {
		desc, s = true, s[1:]
	}
	k := SortKey(s)
	if !k.valid() || k == SortRelevance {
		return Sort{}, invalid("sort", "error.invalid")
	}
	return Sort{Key: k, Desc: desc}, nil
}

func (s Sort) String() string {
	if s.Desc {
		return "-" + string(s.Key)
	}
	return string(s.Key)
}

// Cursor is the keyset position after the last row of a page: the sort key
// values of that row and its id. Clients see it only as the opaque String;
// ParseCursor validates what comes back. A forged cursor can only move the
// scan within the caller's own tenant and scope, because the query, not the
// cursor, carries those.
type Cursor struct {
	Sort  Sort
	Time  time.Time // updated_at, created_at or next due; zero for "no due instant"
	Rank  int       // priority rank, with SortPriority
	Score float64   // relevance, with SortRelevance
	ID    TicketID
}

// IsZero reports whether c is the start of the list.
func (c Cursor) IsZero() bool { return c.ID == 0 }

// CursorAfter is the cursor that continues a list sorted by s after row last.
func CursorAfter(s Sort, last TicketSummary) Cursor {
	c := Cursor{Sort: s, ID: last.ID}
	switch s.Key {
	case SortUpdated:
		c.Time = last.UpdatedAt
	case SortCreated:
		c.Time = last.CreatedAt
	case SortPriority:
		c.Rank, c.Time = last.Priority.Rank(), last.UpdatedAt
	case SortDue:
		c.Time = last.NextDueAt
	}
	if !c.Time.IsZero() {
		c.Time = c.Time.UTC().Truncate(time.Microsecond)
	}
	return c
}

// CursorAfterHit is the cursor that continues a search after hit last.
func CursorAfterHit(last SearchHit) Cursor {
	return Cursor{Sort: relevanceSort, Score: last.Score, ID: last.Ticket.ID}
}

// String encodes c as an opaque, URL-safe token; the zero Cursor is "".
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	ts := "-"
	if !c.Time.IsZero() {
		ts = strconv.FormatInt(c.Time.UnixMicro(), 10)
	}
	raw := strings.Join([]string{
		"1", c.Sort.String(), ts, strconv.Itoa(c.Rank),
		strconv.FormatFloat(c.Score, 'g', -1, 64), strconv.FormatInt(int64(c.ID), 10),
	}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// Cursor times are kept in microseconds, the precision of timestamptz, so a
// cursor compares exactly with the stored value.
var (
	minCursorTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxCursorTime = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ParseCursor decodes a token made by String for a list sorted by want.
// Empty is the zero Cursor. Anything malformed, or made for another sort,
// is a *ValidationError on "cursor".
func ParseCursor(s string, want Sort) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	bad := invalid("cursor", "error.invalid")
	if len(s) > maxCursorLen {
		return Cursor{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	p := strings.Split(string(raw), "|")
	if len(p) != 6 || p[0] != "1" {
		return Cursor{}, bad
	}
	var c Cursor
	if c.Sort, err = parseCursorSort(p[1]); err != nil || c.Sort != want {
		return Cursor{}, bad
	}
	if p[2] != "-" {
		us, err := strconv.ParseInt(p[2], 10, 64)
		if err != nil {
			return Cursor{}, bad
		}
		c.Time = time.UnixMicro(us).UTC()
		if c.Time.Before(minCursorTime) || c.Time.After(maxCursorTime) {
			return Cursor{}, bad
		}
	}
	if c.Rank, err = strconv.Atoi(p[3]); err != nil {
		return Cursor{}, bad
	}
	if c.Score, err = strconv.ParseFloat(p[4], 64); err != nil || math.IsNaN(c.Score) || math.IsInf(c.Score, 0) {
		return Cursor{}, bad
	}
	id, err := strconv.ParseInt(p[5], 10, 64)
	if err != nil || id <= 0 {
		return Cursor{}, bad
	}
	c.ID = TicketID(id)
	// Each sort carries exactly the values of its keyset.
	switch c.Sort.Key {
	case SortUpdated, SortCreated:
		if c.Time.IsZero() || c.Rank != 0 || c.Score != 0 {
			return Cursor{}, bad
		}
	case SortPriority:
		if c.Time.IsZero() || c.Rank < 1 || c.Rank > 4 || c.Score != 0 {
			return Cursor{}, bad
		}
	case SortDue:
		if c.Rank != 0 || c.Score != 0 {
			return Cursor{}, bad
		}
	case SortRelevance:
		if !c.Time.IsZero() || c.Rank != 0 {
			return Cursor{}, bad
		}
	}
	return c, nil
}

func parseCursorSort(s string) (Sort, error) {
	if s == relevanceSort.String() {
		return relevanceSort, nil
	}
	return ParseSort(s)
}
