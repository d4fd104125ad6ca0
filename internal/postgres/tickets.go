package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

var _ helpdesk.Store = (*Store)(nil)

var errNotYet = errors.New("postgres: not implemented yet")

func (s *Store) CreateTicket(ctx context.Context, tenant helpdesk.TenantID, t helpdesk.Ticket, first helpdesk.NewComment, events []helpdesk.Event) (helpdesk.Ticket, error) {
	return t, errNotYet
}

func (s *Store) Ticket(ctx context.Context, tenant helpdesk.TenantID, n helpdesk.TicketNumber) (helpdesk.Ticket, error) {
	return helpdesk.Ticket{}, errNotYet
}

func (s *Store) TicketForUpdate(ctx context.Context, tenant helpdesk.TenantID, n helpdesk.TicketNumber) (helpdesk.Ticket, error) {
	return helpdesk.Ticket{}, errNotYet
}

func (s *Store) SaveTicket(ctx context.Context, tenant helpdesk.TenantID, u helpdesk.TicketUpdate) (helpdesk.CommentID, error) {
	return 0, errNotYet
}

func (s *Store) CopyComments(ctx context.Context, tenant helpdesk.TenantID, from, to helpdesk.TicketID, keepVisibility bool) error {
	return errNotYet
}

func (s *Store) Timeline(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID, scope helpdesk.TimelineScope) ([]helpdesk.TimelineEntry, error) {
	return nil, errNotYet
}

func (s *Store) Attachment(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.AttachmentID) (helpdesk.AttachmentContent, error) {
	return helpdesk.AttachmentContent{}, errNotYet
}

func (s *Store) AttachmentBytes(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID) (int64, error) {
	return 0, errNotYet
}

func (s *Store) ListTickets(ctx context.Context, tenant helpdesk.TenantID, q helpdesk.TicketQuery) (helpdesk.TicketPage, error) {
	return helpdesk.TicketPage{}, errNotYet
}

func (s *Store) CountTickets(ctx context.Context, tenant helpdesk.TenantID, filters []helpdesk.TicketFilter) ([]int, error) {
	return nil, errNotYet
}

func (s *Store) SearchTickets(ctx context.Context, tenant helpdesk.TenantID, q helpdesk.SearchQuery) (helpdesk.SearchPage, error) {
	return helpdesk.SearchPage{}, errNotYet
}

func (s *Store) StaleTickets(ctx context.Context, tenant helpdesk.TenantID, status helpdesk.Status, before time.Time, limit int) ([]helpdesk.TicketNumber, error) {
	return nil, errNotYet
}

func (s *Store) Group(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.GroupID) (helpdesk.Group, error) {
	return helpdesk.Group{}, errNotYet
}

func (s *Store) Category(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.CategoryID) (helpdesk.Category, error) {
	return helpdesk.Category{}, errNotYet
}

func (s *Store) CustomFieldDefs(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.CustomFieldDef, error) {
	return nil, errNotYet
}

func (s *Store) TicketSettings(ctx context.Context, tenant helpdesk.TenantID) (helpdesk.TicketSettings, error) {
	return helpdesk.TicketSettings{}, errNotYet
}

func (s *Store) OrganisationShares(ctx context.Context, tenant helpdesk.TenantID, org helpdesk.OrganisationID) (bool, error) {
	return false, errNotYet
}
