// Package demo loads the demo help desk "demo": its users and, once the
// ticket domain is in, a few dozen realistic Spanish tickets. Loading is
// idempotent: running it twice changes nothing the second time.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Slug is the demo tenant's URL segment.
const Slug = "demo"

// Login is one demo account.
type Login struct {
	Role  helpdesk.Role
	Email string
	Name  string
}

// Logins are the demo accounts, all with the same demo password.
var Logins = []Login{
	{helpdesk.RoleAdmin, "admin@demo.example", "Lucía Fernández"},
	{helpdesk.RoleAgent, "agente@demo.example", "Carlos Ruiz"},
	{helpdesk.RoleCustomer, "cliente@demo.example", "María López"},
}

// Result tells what Load found or made.
type Result struct {
	Tenant  helpdesk.Tenant
	Users   []Login
	Created bool
}

// Load creates the demo tenant, its users and its tickets unless the tenant
// exists. svc must run on clock (helpdesk.NewService(store, hasher,
// clock.Now)), which Load moves forward as the demo history unfolds.
func Load(ctx context.Context, svc *helpdesk.Service, clock *Clock, password string) (Result, error) {
	res := Result{Users: Logins}
	t, err := svc.TenantBySlug(ctx, Slug)
	switch {
	case err == nil:
		res.Tenant = t
		return res, nil
	case !errors.Is(err, helpdesk.ErrNotFound):
		return res, fmt.Errorf("demo: look up tenant: %w", err)
	}
	t, admin, err := svc.CreateDesk(ctx, helpdesk.NewDesk{
		Name: "Soporte Demo", Slug: Slug, AdminName: Logins[0].Name, Email: Logins[0].Email, Password: password, Language: "es",
	})
	if err != nil {
		return res, fmt.Errorf("demo: create desk: %w", err)
	}
	agent, err := svc.CreateUser(ctx, t.ID, Logins[1].Name, Logins[1].Email, password, Logins[1].Role)
	if err != nil {
		return res, fmt.Errorf("demo: create %s: %w", Logins[1].Email, err)
	}
	people := make([]helpdesk.User, 0, len(customers))
	for _, l := range customers {
		u, err := svc.CreateUser(ctx, t.ID, l.Name, l.Email, password, l.Role)
		if err != nil {
			return res, fmt.Errorf("demo: create %s: %w", l.Email, err)
		}
		people = append(people, u)
	}
	if err := loadTickets(ctx, svc, clock, admin, agent, people); err != nil {
		return res, err
	}
	if err := loadAutomation(ctx, svc, admin); err != nil {
		return res, err
	}
	if err := loadKB(ctx, svc, admin); err != nil {
		return res, err
	}
	res.Tenant, res.Created = t, true
	return res, nil
}
