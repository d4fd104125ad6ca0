package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// ViewID identifies a saved view within its tenant.
type ViewID int64

// ViewColumn is a column a queue may show besides the reference and the
// subject, which every queue shows.
type ViewColumn string

// The columns a view may show.
const (
	ColumnRequester ViewColumn = "requester"
	ColumnStatus    ViewColumn = "status"
	ColumnPriority  ViewColumn = "priority"
	ColumnGroup     ViewColumn = "group"
	ColumnAssignee  ViewColumn = "assignee"
	ColumnChannel   ViewColumn = "channel"
	ColumnCreated   ViewColumn = "created"
	ColumnUpdated   ViewColumn = "updated"
	ColumnDue       ViewColumn = "due"
)

// ViewColumns lists every column in display order.
func ViewColumns() []ViewColumn {
	return []ViewColumn{ColumnRequester, ColumnStatus, ColumnPriority, ColumnGroup, ColumnAssignee,
		ColumnChannel, ColumnCreated, ColumnUpdated, ColumnDue}
}

// DefaultViewColumns are the columns of the built-in views.
func DefaultViewColumns() []ViewColumn {
	return []ViewColumn{ColumnRequester, ColumnStatus, ColumnPriority, ColumnAssignee, ColumnUpdated, ColumnDue}
}

// MaxSavedViews bounds the views one agent (or the shared list) may hold,
// so the sidebar stays readable and its counts one cheap batch.
const MaxSavedViews = 30

// SavedView is a queue an agent or admin defined: a filter, a sort and
// the columns it shows. Owner zero is a shared view (admins define them);
// otherwise only its owner sees it.
type SavedView struct {
	ID       ViewID
	Owner    UserID
	Name     string
	Filter   TicketFilter
	Sort     Sort
	Columns  []ViewColumn
	Position int
}

// Shared reports whether every agent of the desk sees the view.
func (v SavedView) Shared() bool { return v.Owner == 0 }

// ViewStore keeps saved views.
type ViewStore interface {
	CreateView(ctx context.Context, tenant TenantID, v SavedView) (SavedView, error)
	// UpdateView replaces name, filter, sort, columns and owner of v.ID.
	UpdateView(ctx context.Context, tenant TenantID, v SavedView) error
	DeleteView(ctx context.Context, tenant TenantID, id ViewID) error
	// SavedView loads one view of the tenant, whoever owns it.
	SavedView(ctx context.Context, tenant TenantID, id ViewID) (SavedView, error)
	// SavedViews lists the shared views and those owned by user: shared
	// first, then by position and name.
	SavedViews(ctx context.Context, tenant TenantID, user UserID) ([]SavedView, error)
}

// ViewInput is a view as submitted: its filter already parsed by the
// surface (the console reads the same parameters as its queue filters).
type ViewInput struct {
	Name    string
	Shared  bool
	Filter  TicketFilter
	Sort    Sort
	Columns []ViewColumn
}

// check cleans in and reports every problem at once.
func (in *ViewInput) check() error {
	var v ValidationError
	in.Name = CleanLine(in.Name)
	checkName(&v, "name", in.Name)
	if in.Filter.Customer != nil || in.Filter.GroupsOf != 0 {
		v.Add("filter", "error.invalid") // set by the Service alone
	}
	// A view stores "me" and "my groups" unresolved, so it follows whoever
	// opens it; Validate wants them resolved, so check a resolved copy.
	f := in.Filter
	if f.Assignee.Mode == AssigneeMe {
		f.Assignee = AssigneeFilter{Mode: AssigneeUser, User: 1}
	}
	if f.MyGroups {
		f.MyGroups, f.GroupsOf = false, 1
	}
	if err := f.Validate(); err != nil {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for field, key := range ve.Fields {
			v.Add(field, key)
		}
	}
	in.Filter.Text, in.Filter.Tag = f.Text, f.Tag
	if in.Sort == (Sort{}) {
		in.Sort = DefaultSort
	}
	if !in.Sort.Key.valid() || in.Sort.Key == SortRelevance {
		v.Add("sort", "error.invalid")
	}
	seen := map[ViewColumn]bool{}
	var cols []ViewColumn
	for _, c := range in.Columns {
		if !slices.Contains(ViewColumns(), c) {
			v.Add("columns", "error.invalid")
			continue
		}
		if !seen[c] {
			seen[c] = true
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		v.Add("columns", "view.error.no_columns")
	}
	in.Columns = cols
	return v.Err()
}

// SavedViews lists, for staff, the shared views and the actor's own.
func (s *Service) SavedViews(ctx context.Context, by Actor) ([]SavedView, error) {
	if !by.IsStaff() || by.User == 0 {
		return nil, fmt.Errorf("helpdesk: saved views: %w", ErrNotFound)
	}
	return s.store.SavedViews(ctx, by.Tenant, by.User)
}

// sidebarCounts counts the tickets of builtin followed by views' (the
// ticket page's sidebar; the queue page counts through QueuePage), with
// the queue page's bound: a count that has to read tickets stops at
// SidebarCountLimit, and capped says which did.
func (s *Service) sidebarCounts(ctx context.Context, by Actor, builtin []TicketFilter, views []SavedView) (counts []int, capped []bool, err error) {
	return s.countIn(ctx, s.store, by, withViews(builtin, views), func(valid []TicketFilter) ([]int, []bool, error) {
		res, err := s.store.ReadQueue(ctx, by.Tenant, QueueReads{Counts: valid, CountLimit: SidebarCountLimit})
		if err != nil {
			return nil, nil, fmt.Errorf("helpdesk: count tickets: %w", err)
		}
		return res.Counts, res.Capped, nil
	})
}

// SavedView loads a view the actor may open: a shared one or their own.
// Another agent's private view is reported as not found.
func (s *Service) SavedView(ctx context.Context, by Actor, id ViewID) (SavedView, error) {
	if !by.IsStaff() || by.User == 0 || id <= 0 {
		return SavedView{}, fmt.Errorf("helpdesk: view %d: %w", id, ErrNotFound)
	}
	v, err := s.store.SavedView(ctx, by.Tenant, id)
	if err != nil {
		return SavedView{}, err
	}
	if !v.Shared() && v.Owner != by.User {
		return SavedView{}, fmt.Errorf("helpdesk: view %d: %w", id, ErrNotFound)
	}
	return v, nil
}

// CanEditView reports whether by may change or delete v: its owner, or an
// admin for a shared view.
func CanEditView(by Actor, v SavedView) bool {
	if v.Shared() {
		return by.IsAdmin()
	}
	return v.Owner == by.User
}

// CreateView saves a view: an agent's own, or (admins only) a shared one.
func (s *Service) CreateView(ctx context.Context, by Actor, in ViewInput) (SavedView, error) {
	if !by.IsStaff() || by.User == 0 {
		return SavedView{}, fmt.Errorf("helpdesk: create view: %w", ErrNotFound)
	}
	if in.Shared && !by.IsAdmin() {
		return SavedView{}, fmt.Errorf("helpdesk: create shared view: %w", ErrForbidden)
	}
	if err := in.check(); err != nil {
		return SavedView{}, err
	}
	v := SavedView{Name: in.Name, Filter: in.Filter, Sort: in.Sort, Columns: in.Columns}
	if !in.Shared {
		v.Owner = by.User
	}
	var out SavedView
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		all, err := tx.SavedViews(ctx, by.Tenant, by.User)
		if err != nil {
			return err
		}
		n := 0
		for _, x := range all {
			if x.Shared() == v.Shared() {
				n++
			}
		}
		if n >= MaxSavedViews {
			return invalid("name", "view.error.too_many")
		}
		v.Position = n
		out, err = tx.CreateView(ctx, by.Tenant, v)
		return err
	})
	return out, err
}

// UpdateView changes a view the actor may edit; making a view shared (or
// taking a shared one private) is for admins.
func (s *Service) UpdateView(ctx context.Context, by Actor, id ViewID, in ViewInput) (SavedView, error) {
	var out SavedView
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		v, err := s.editableView(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if in.Shared != v.Shared() && !by.IsAdmin() {
			return fmt.Errorf("helpdesk: share view %d: %w", id, ErrForbidden)
		}
		if err := in.check(); err != nil {
			return err
		}
		v.Name, v.Filter, v.Sort, v.Columns = in.Name, in.Filter, in.Sort, in.Columns
		v.Owner = by.User
		if in.Shared {
			v.Owner = 0
		}
		out = v
		return tx.UpdateView(ctx, by.Tenant, v)
	})
	return out, err
}

// DeleteView removes a view the actor may edit.
func (s *Service) DeleteView(ctx context.Context, by Actor, id ViewID) error {
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if _, err := s.editableView(ctx, tx, by, id); err != nil {
			return err
		}
		return tx.DeleteView(ctx, by.Tenant, id)
	})
}

// editableView loads view id for a change by by: another agent's private
// view is not found; a shared view an agent may open but not change is
// forbidden.
func (s *Service) editableView(ctx context.Context, tx Store, by Actor, id ViewID) (SavedView, error) {
	if !by.IsStaff() || by.User == 0 || id <= 0 {
		return SavedView{}, fmt.Errorf("helpdesk: view %d: %w", id, ErrNotFound)
	}
	v, err := tx.SavedView(ctx, by.Tenant, id)
	if err != nil {
		return SavedView{}, err
	}
	if !v.Shared() && v.Owner != by.User {
		return SavedView{}, fmt.Errorf("helpdesk: view %d: %w", id, ErrNotFound)
	}
	if !CanEditView(by, v) {
		return SavedView{}, fmt.Errorf("helpdesk: edit view %d: %w", id, ErrForbidden)
	}
	return v, nil
}
