package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// viewFilter is a saved view's filter as stored in saved_views.filter.
// Only what a view may hold is here: "me" and "my groups" stay unresolved
// (the Service resolves them for whoever opens the view), and a customer
// scope is never saved.
type viewFilter struct {
	Statuses      []string  `json:"statuses,omitempty"`
	Priorities    []string  `json:"priorities,omitempty"`
	AssigneeMode  string    `json:"assignee_mode,omitempty"`
	AssigneeUser  int64     `json:"assignee_user,omitempty"`
	Groups        []int64   `json:"groups,omitempty"`
	MyGroups      bool      `json:"my_groups,omitempty"`
	Category      int64     `json:"category,omitempty"`
	Tag           string    `json:"tag,omitempty"`
	Channel       string    `json:"channel,omitempty"`
	Requester     int64     `json:"requester,omitempty"`
	Organisation  int64     `json:"organisation,omitempty"`
	CreatedFrom   time.Time `json:"created_from,omitzero"`
	CreatedBefore time.Time `json:"created_before,omitzero"`
	UpdatedFrom   time.Time `json:"updated_from,omitzero"`
	UpdatedBefore time.Time `json:"updated_before,omitzero"`
	Text          string    `json:"text,omitempty"`
}

func toViewFilter(f helpdesk.TicketFilter) viewFilter {
	v := viewFilter{
		AssigneeMode: string(f.Assignee.Mode), AssigneeUser: int64(f.Assignee.User), MyGroups: f.MyGroups,
		Category: int64(f.Category), Tag: f.Tag, Channel: string(f.Channel), Requester: int64(f.Requester),
		Organisation: int64(f.Organisation), Text: f.Text,
		CreatedFrom: f.Created.From, CreatedBefore: f.Created.To, UpdatedFrom: f.Updated.From, UpdatedBefore: f.Updated.To,
	}
	for _, s := range f.Statuses {
		v.Statuses = append(v.Statuses, s.String())
	}
	for _, p := range f.Priorities {
		v.Priorities = append(v.Priorities, p.String())
	}
	for _, g := range f.Groups {
		v.Groups = append(v.Groups, int64(g))
	}
	return v
}

func (v viewFilter) domain() helpdesk.TicketFilter {
	f := helpdesk.TicketFilter{
		Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeMode(v.AssigneeMode), User: helpdesk.UserID(v.AssigneeUser)},
		MyGroups: v.MyGroups, Category: helpdesk.CategoryID(v.Category), Tag: v.Tag, Channel: helpdesk.Channel(v.Channel),
		Requester: helpdesk.UserID(v.Requester), Organisation: helpdesk.OrganisationID(v.Organisation), Text: v.Text,
		Created: helpdesk.TimeRange{From: v.CreatedFrom, To: v.CreatedBefore},
		Updated: helpdesk.TimeRange{From: v.UpdatedFrom, To: v.UpdatedBefore},
	}
	for _, s := range v.Statuses {
		f.Statuses = append(f.Statuses, helpdesk.Status(s))
	}
	for _, p := range v.Priorities {
		f.Priorities = append(f.Priorities, helpdesk.Priority(p))
	}
	for _, g := range v.Groups {
		f.Groups = append(f.Groups, helpdesk.GroupID(g))
	}
	return f
}

const viewColumns = `id, coalesce(owner_id, 0), name, filter, sort, columns, position`

func scanView(row pgx.Row) (helpdesk.SavedView, error) {
	var v helpdesk.SavedView
	var id, owner int64
	var raw []byte
	var sort string
	var cols []string
	if err := row.Scan(&id, &owner, &v.Name, &raw, &sort, &cols, &v.Position); err != nil {
		return helpdesk.SavedView{}, err
	}
	var vf viewFilter
	if err := json.Unmarshal(raw, &vf); err != nil {
		return helpdesk.SavedView{}, fmt.Errorf("view %d filter: %w", id, err)
	}
	srt, err := helpdesk.ParseSort(sort)
	if err != nil {
		srt = helpdesk.DefaultSort // a sort since removed: fall back, never fail to open
	}
	v.ID, v.Owner, v.Filter, v.Sort = helpdesk.ViewID(id), helpdesk.UserID(owner), vf.domain(), srt
	for _, c := range cols {
		v.Columns = append(v.Columns, helpdesk.ViewColumn(c))
	}
	return v, nil
}

func viewArgs(tenant helpdesk.TenantID, v helpdesk.SavedView) (pgx.NamedArgs, error) {
	raw, err := json.Marshal(toViewFilter(v.Filter))
	if err != nil {
		return nil, err
	}
	var owner *int64
	if v.Owner != 0 {
		o := int64(v.Owner)
		owner = &o
	}
	cols := make([]string, 0, len(v.Columns))
	for _, c := range v.Columns {
		cols = append(cols, string(c))
	}
	return pgx.NamedArgs{"tenant": int64(tenant), "id": int64(v.ID), "owner": owner, "name": v.Name,
		"filter": raw, "sort": v.Sort.String(), "columns": cols, "position": v.Position}, nil
}

// CreateView inserts a saved view; owner zero makes it shared.
func (s *Store) CreateView(ctx context.Context, tenant helpdesk.TenantID, v helpdesk.SavedView) (helpdesk.SavedView, error) {
	args, err := viewArgs(tenant, v)
	if err != nil {
		return helpdesk.SavedView{}, fmt.Errorf("postgres: create view: %w", err)
	}
	var out helpdesk.SavedView
	err = s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanView(tx.QueryRow(ctx, `INSERT INTO saved_views (tenant_id, owner_id, name, filter, sort, columns, position)
			VALUES (@tenant, @owner, @name, @filter, @sort, @columns, @position) RETURNING `+viewColumns, args))
		return err
	})
	return out, mapErr(err, "create view %q", v.Name)
}

// UpdateView replaces a view's definition and owner.
func (s *Store) UpdateView(ctx context.Context, tenant helpdesk.TenantID, v helpdesk.SavedView) error {
	args, err := viewArgs(tenant, v)
	if err != nil {
		return fmt.Errorf("postgres: update view: %w", err)
	}
	err = s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE saved_views SET owner_id = @owner, name = @name, filter = @filter, sort = @sort, columns = @columns
			WHERE tenant_id = @tenant AND id = @id`, args)
		if err == nil && tag.RowsAffected() == 0 {
			err = pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "update view %d", v.ID)
}

// DeleteView removes a view.
func (s *Store) DeleteView(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.ViewID) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM saved_views WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id))
		if err == nil && tag.RowsAffected() == 0 {
			err = pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "delete view %d", id)
}

// SavedView loads one view of the tenant; the domain decides who may open it.
func (s *Store) SavedView(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.ViewID) (helpdesk.SavedView, error) {
	var v helpdesk.SavedView
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		v, err = scanView(tx.QueryRow(ctx, `SELECT `+viewColumns+` FROM saved_views WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id)))
		return err
	})
	return v, mapErr(err, "view %d", id)
}

// SavedViews lists the shared views, then user's own, each by position.
func (s *Store) SavedViews(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID) ([]helpdesk.SavedView, error) {
	var out []helpdesk.SavedView
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		queueSavedViews(b, tenant, user, &out)
		return tx.SendBatch(ctx, b).Close()
	})
	return out, mapErr(err, "saved views")
}

// queueSavedViews queues SavedViews' statement on b (the ticket page sends
// it with the workspace's reads).
func queueSavedViews(b *pgx.Batch, tenant helpdesk.TenantID, user helpdesk.UserID, out *[]helpdesk.SavedView) {
	b.Queue(`SELECT `+viewColumns+` FROM saved_views
		WHERE tenant_id = $1 AND (owner_id IS NULL OR owner_id = $2)
		ORDER BY owner_id NULLS FIRST, position, name, id`, int64(tenant), int64(user)).Query(func(rows pgx.Rows) error {
		var err error
		*out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.SavedView, error) { return scanView(r) })
		return err
	})
}
