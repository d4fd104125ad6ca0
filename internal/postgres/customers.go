package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

const orgColumns = `o.id, o.name, o.shared_tickets,
	ARRAY(SELECT d.domain::text FROM organisation_domains d WHERE d.tenant_id = o.tenant_id AND d.organisation_id = o.id ORDER BY d.domain),
	(SELECT count(*) FROM users u WHERE u.tenant_id = o.tenant_id AND u.organisation_id = o.id AND u.active AND u.role = 'customer')`

func scanOrg(row pgx.Row) (helpdesk.Organisation, error) {
	var o helpdesk.Organisation
	var id int64
	err := row.Scan(&id, &o.Name, &o.SharedTickets, &o.Domains, &o.Members)
	o.ID = helpdesk.OrganisationID(id)
	return o, err
}

// Organisations lists the tenant's organisations by name.
func (s *Store) Organisations(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.Organisation, error) {
	var out []helpdesk.Organisation
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE o.tenant_id = $1 ORDER BY o.name, o.id`, int64(tenant))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Organisation, error) { return scanOrg(r) })
		return err
	})
	return out, mapErr(err, "organisations")
}

// Organisation loads one organisation.
func (s *Store) Organisation(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.OrganisationID) (helpdesk.Organisation, error) {
	var o helpdesk.Organisation
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		o, err = scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE o.tenant_id = $1 AND o.id = $2`, int64(tenant), int64(id)))
		return err
	})
	return o, mapErr(err, "organisation %d", id)
}

// SaveOrganisation inserts or updates o and replaces its domains.
func (s *Store) SaveOrganisation(ctx context.Context, tenant helpdesk.TenantID, o helpdesk.Organisation) (helpdesk.Organisation, error) {
	domains := o.Domains
	if domains == nil {
		domains = []string{}
	}
	var out helpdesk.Organisation
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		id := int64(o.ID)
		if id == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO organisations (tenant_id, name, shared_tickets) VALUES ($1, $2, $3) RETURNING id`,
				int64(tenant), o.Name, o.SharedTickets).Scan(&id); err != nil {
				return err
			}
		} else {
			tag, err := tx.Exec(ctx, `UPDATE organisations SET name = $3, shared_tickets = $4 WHERE tenant_id = $1 AND id = $2`,
				int64(tenant), id, o.Name, o.SharedTickets)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return pgx.ErrNoRows
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM organisation_domains WHERE tenant_id = $1 AND organisation_id = $2 AND NOT domain::text = ANY ($3)`,
			int64(tenant), id, domains); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO organisation_domains (tenant_id, domain, organisation_id)
			SELECT $1, d, $2 FROM unnest($3::text[]) d
			ON CONFLICT (tenant_id, domain) DO UPDATE SET organisation_id = excluded.organisation_id
			WHERE organisation_domains.organisation_id = excluded.organisation_id`, int64(tenant), id, domains); err != nil {
			return err
		}
		// A domain another organisation holds was left alone above: say so.
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM organisation_domains WHERE tenant_id = $1 AND domain = ANY ($3::citext[]) AND organisation_id <> $2)`,
			int64(tenant), id, domains).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return errDomainTaken
		}
		var err error
		out, err = scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE o.tenant_id = $1 AND o.id = $2`, int64(tenant), id))
		return err
	})
	if errors.Is(err, errDomainTaken) {
		return helpdesk.Organisation{}, fmt.Errorf("postgres: save organisation %q: %w", o.Name, &helpdesk.ConflictError{Field: "domains"})
	}
	return out, mapErr(err, "save organisation %q", o.Name)
}

// OrganisationByDomain finds the organisation owning domain.
func (s *Store) OrganisationByDomain(ctx context.Context, tenant helpdesk.TenantID, domain string) (helpdesk.OrganisationID, error) {
	var id int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT organisation_id FROM organisation_domains WHERE tenant_id = $1 AND domain = $2`, int64(tenant), domain).Scan(&id)
	})
	return helpdesk.OrganisationID(id), mapErr(err, "organisation by domain")
}

// Customers lists customers matching q, keyset-paginated on (name, id).
func (s *Store) Customers(ctx context.Context, tenant helpdesk.TenantID, q string, afterName string, afterID helpdesk.UserID, limit int) ([]helpdesk.User, error) {
	pattern := ""
	if q != "" {
		pattern = "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
	}
	var out []helpdesk.User
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+userColumns+` FROM users
			WHERE tenant_id = @tenant AND role = 'customer'
			  AND (@pattern = '' OR name ILIKE @pattern OR email ILIKE @pattern OR phone ILIKE @pattern)
			  AND (@after_id = 0 OR (name, id) > (@after_name, @after_id))
			ORDER BY name, id LIMIT @limit`, pgx.NamedArgs{
			"tenant": int64(tenant), "pattern": pattern, "after_id": int64(afterID), "after_name": afterName, "limit": limit,
		})
		if err != nil {
			return err
		}
		out, err = collectUsers(rows)
		return err
	})
	return out, mapErr(err, "customers")
}

// UpdateCustomer stores a customer's name, phone and organisation.
func (s *Store) UpdateCustomer(ctx context.Context, tenant helpdesk.TenantID, u helpdesk.User) (helpdesk.User, error) {
	var out helpdesk.User
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET name = $3, phone = $4, organisation_id = nullif($5, 0)
			WHERE tenant_id = $1 AND id = $2 AND role = 'customer' RETURNING `+userColumns,
			int64(tenant), int64(u.ID), u.Name, u.Phone, int64(u.Organisation)))
		return err
	})
	return out, mapErr(err, "update customer %d", u.ID)
}

// MergeCustomer moves from's tickets and follows to into and retires from.
// The tickets' rows change requester only: their history stays, and the
// version is bumped so an open workspace notices.
func (s *Store) MergeCustomer(ctx context.Context, tenant helpdesk.TenantID, from, into helpdesk.UserID) (int, error) {
	var moved int
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE tickets SET requester_id = $3, version = version + 1,
			organisation_id = (SELECT organisation_id FROM users WHERE tenant_id = $1 AND id = $3)
			WHERE tenant_id = $1 AND requester_id = $2`, int64(tenant), int64(from), int64(into))
		if err != nil {
			return err
		}
		moved = int(tag.RowsAffected())
		if _, err := tx.Exec(ctx, `INSERT INTO ticket_followers (tenant_id, ticket_id, user_id)
			SELECT tenant_id, ticket_id, $3 FROM ticket_followers WHERE tenant_id = $1 AND user_id = $2
			ON CONFLICT DO NOTHING`, int64(tenant), int64(from), int64(into)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM ticket_followers WHERE tenant_id = $1 AND user_id = $2`, int64(tenant), int64(from)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE users SET active = false, merged_into_id = $3, session_epoch = session_epoch + 1
			WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(from), int64(into))
		return err
	})
	return moved, mapErr(err, "merge customer %d into %d", from, into)
}

// errDomainTaken stops a save whose domain another organisation holds.
var errDomainTaken = errors.New("domain taken")
