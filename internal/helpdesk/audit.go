package helpdesk

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AuditID identifies an entry of a tenant's audit log.
type AuditID int64

// AuditValues are an object's settings as the audit log shows them: field
// name → value as text. Only the fields an admin can change belong here
// (never a password hash or a token).
type AuditValues map[string]string

// AuditEntry is one admin change: who made it, when, what it was (Action,
// "category.create"), on which object, and the object's values before and
// after. Before is nil for a creation, After nil for a removal.
type AuditEntry struct {
	ID          AuditID
	At          time.Time
	Actor       UserID // zero: the system
	ActorName   string
	Action      string
	ObjectKind  string
	ObjectID    int64
	ObjectLabel string
	Before      AuditValues
	After       AuditValues
}

// AuditChange is one field that an entry changed.
type AuditChange struct {
	Field  string
	Before string
	After  string
}

// Changes lists the fields whose value differs between Before and After,
// by field name. A creation lists every field set, a removal every field
// it had.
func (e AuditEntry) Changes() []AuditChange {
	var out []AuditChange
	for k, v := range e.After {
		if e.Before == nil && v == "" {
			continue // a creation lists what was set
		}
		if old, ok := e.Before[k]; !ok || old != v {
			out = append(out, AuditChange{Field: k, Before: e.Before[k], After: v})
		}
	}
	for k, v := range e.Before {
		if _, ok := e.After[k]; !ok {
			out = append(out, AuditChange{Field: k, Before: v})
		}
	}
	slices.SortFunc(out, func(a, b AuditChange) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// AuditStore keeps the append-only audit log.
type AuditStore interface {
	// AppendAudit inserts e (its ID is assigned). Call it in the
	// transaction of the change it records.
	AppendAudit(ctx context.Context, tenant TenantID, e AuditEntry) error
	// AuditLog returns one page of entries matching q, newest first,
	// keyset-paginated on (At, ID).
	AuditLog(ctx context.Context, tenant TenantID, q AuditQuery) (AuditPage, error)
	// AuditFacets lists the actions, object kinds and actors that occur in
	// the tenant's log, for the filters.
	AuditFacets(ctx context.Context, tenant TenantID) (AuditFacets, error)
}

// AuditFacets are the values the log's filters offer.
type AuditFacets struct {
	Actions []string
	Kinds   []string
	Actors  []User // ID and Name only
}

var (
	auditActionPattern = regexp.MustCompile(`^[a-z][a-z_]{0,39}\.[a-z][a-z_]{0,39}$`)
	auditKindPattern   = regexp.MustCompile(`^[a-z][a-z_]{0,39}$`)
)

// Audit log page sizes.
const (
	DefaultAuditLimit = 50
	MaxAuditLimit     = 200
)

// AuditQuery filters and pages the log. Zero fields do not filter.
type AuditQuery struct {
	Action string
	Kind   string
	Actor  UserID
	// From and To bound At: From <= At < To.
	From, To time.Time
	After    AuditCursor // zero: first page
	Limit    int
}

// Validate checks a query built from a URL; anything forged is a field
// error, never a query.
func (q *AuditQuery) Validate() error {
	var v ValidationError
	if q.Action != "" && !auditActionPattern.MatchString(q.Action) {
		v.Add("action", "error.invalid")
	}
	if q.Kind != "" && !auditKindPattern.MatchString(q.Kind) {
		v.Add("kind", "error.invalid")
	}
	if q.Actor < 0 {
		v.Add("actor", "error.invalid")
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		v.Add("to", "admin.audit.error.range")
	}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultAuditLimit
	case q.Limit < 0 || q.Limit > MaxAuditLimit:
		v.Add("limit", "error.invalid")
	}
	return v.Err()
}

// AuditPage is one page of the log; Next is zero on the last page.
type AuditPage struct {
	Entries []AuditEntry
	Next    AuditCursor
}

// AuditCursor is the keyset position after the last entry of a page.
type AuditCursor struct {
	At time.Time
	ID AuditID
}

// IsZero reports whether c is the start of the log.
func (c AuditCursor) IsZero() bool { return c.ID == 0 }

// String encodes c for a URL: microseconds and id, "" for the zero cursor.
func (c AuditCursor) String() string {
	if c.IsZero() {
		return ""
	}
	return strconv.FormatInt(c.At.UnixMicro(), 36) + "." + strconv.FormatInt(int64(c.ID), 36)
}

// ParseAuditCursor reads String's output; anything else is invalid. A
// forged cursor can only move the page within the tenant's own log.
func ParseAuditCursor(s string) (AuditCursor, error) {
	if s == "" {
		return AuditCursor{}, nil
	}
	at, id, ok := strings.Cut(s, ".")
	us, err1 := strconv.ParseInt(at, 36, 64)
	n, err2 := strconv.ParseInt(id, 36, 64)
	if !ok || len(s) > 40 || err1 != nil || err2 != nil || n <= 0 {
		return AuditCursor{}, invalid("after", "error.invalid")
	}
	return AuditCursor{At: time.UnixMicro(us).UTC(), ID: AuditID(n)}, nil
}

// audit records an admin change in tx, the transaction that makes the
// change, so that a change is never without its entry nor an entry without
// its change. It fills in the time and the actor. Every admin operation of
// every area calls it; see docs/admin.md.
func (s *Service) audit(ctx context.Context, tx Store, by Actor, e AuditEntry) error {
	e.At = s.now()
	e.Actor, e.ActorName = by.User, by.Name
	if by.Kind != ActorUser {
		e.Actor = 0
	}
	if e.ActorName == "" {
		e.ActorName = "Atiende"
	}
	if !auditActionPattern.MatchString(e.Action) || !auditKindPattern.MatchString(e.ObjectKind) {
		return fmt.Errorf("helpdesk: audit: malformed action %q or kind %q", e.Action, e.ObjectKind)
	}
	if r := []rune(e.ObjectLabel); len(r) > 300 {
		e.ObjectLabel = string(r[:300])
	}
	if err := tx.AppendAudit(ctx, by.Tenant, e); err != nil {
		return fmt.Errorf("helpdesk: audit %s: %w", e.Action, err)
	}
	return nil
}

// adminTx runs fn for an admin in one tenant transaction. Anyone else
// gets ErrNotFound: the admin pages do not exist for them.
func (s *Service) adminTx(ctx context.Context, by Actor, op string, fn func(tx Store) error) error {
	if !by.IsAdmin() || by.User == 0 {
		return fmt.Errorf("helpdesk: %s: %w", op, ErrNotFound)
	}
	return s.store.InTx(ctx, by.Tenant, fn)
}

// AuditLog returns a page of the desk's audit log, for admins.
func (s *Service) AuditLog(ctx context.Context, by Actor, q AuditQuery) (AuditPage, error) {
	if err := q.Validate(); err != nil {
		return AuditPage{}, err
	}
	var page AuditPage
	err := s.adminTx(ctx, by, "audit log", func(tx Store) error {
		var err error
		page, err = tx.AuditLog(ctx, by.Tenant, q)
		return err
	})
	return page, err
}

// AuditFacets lists what the audit log's filters offer, for admins.
func (s *Service) AuditFacets(ctx context.Context, by Actor) (AuditFacets, error) {
	var f AuditFacets
	err := s.adminTx(ctx, by, "audit facets", func(tx Store) error {
		var err error
		f, err = tx.AuditFacets(ctx, by.Tenant)
		return err
	})
	return f, err
}
