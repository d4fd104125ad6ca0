package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PeopleStore is what the admin's people pages persist.
type PeopleStore interface {
	// People lists the users with one of roles, active or not, by name.
	People(ctx context.Context, tenant TenantID, roles []Role) ([]User, error)
	// LockActiveAdmins locks and returns the ids of the active admins, so
	// that two admins cannot demote or deactivate the last two at once.
	LockActiveAdmins(ctx context.Context, tenant TenantID) ([]UserID, error)
	SetUserRole(ctx context.Context, tenant TenantID, id UserID, role Role) (User, error)
	// SetUserActive activates or deactivates a user; deactivating also
	// raises the session epoch, ending every session at once.
	SetUserActive(ctx context.Context, tenant TenantID, id UserID, active bool) (User, error)
	// AgentRouting reads an agent's skills (category ids) and groups.
	AgentRouting(ctx context.Context, tenant TenantID, id UserID) (AgentRouting, error)
	// SetAgentRouting replaces an agent's skills and group memberships (a
	// group the agent stays in keeps its lead flag) and sets the cap.
	SetAgentRouting(ctx context.Context, tenant TenantID, id UserID, r AgentRouting) error
}

// AgentRouting is what routing knows of an agent besides availability.
type AgentRouting struct {
	Skills []CategoryID // none: every category
	Groups []GroupID
	// MaxOpenTickets caps the agent's open tickets for automatic
	// assignment; zero is no cap.
	MaxOpenTickets int
}

// MaxOpenTicketsCap bounds the per-agent cap admins may type.
const MaxOpenTicketsCap = 999

// AdminPeople lists the desk's agents and admins, active or not.
func (s *Service) AdminPeople(ctx context.Context, by Actor) ([]User, error) {
	var out []User
	err := s.adminTx(ctx, by, "people", func(tx Store) error {
		var err error
		out, err = tx.People(ctx, by.Tenant, []Role{RoleAgent, RoleAdmin})
		return err
	})
	return out, err
}

// AdminPerson loads an agent or admin with their routing settings and
// their open tickets (for reassignment), for admins. A customer, or anyone
// of another desk, is not found.
func (s *Service) AdminPerson(ctx context.Context, by Actor, id UserID) (User, AgentRouting, []TicketSummary, error) {
	var u User
	var r AgentRouting
	var open []TicketSummary
	err := s.adminTx(ctx, by, "person", func(tx Store) error {
		var err error
		if u, err = staffUser(ctx, tx, by.Tenant, id); err != nil {
			return err
		}
		if r, err = tx.AgentRouting(ctx, by.Tenant, id); err != nil {
			return err
		}
		open, err = openTicketsOf(ctx, tx, by.Tenant, id)
		return err
	})
	return u, r, open, err
}

// staffUser loads an agent or admin of tenant; anyone else is not found.
func staffUser(ctx context.Context, tx Store, tenant TenantID, id UserID) (User, error) {
	u, err := tx.User(ctx, tenant, id)
	if err != nil {
		return User{}, err
	}
	if !u.Role.IsStaff() {
		return User{}, fmt.Errorf("helpdesk: user %d is no agent: %w", id, ErrNotFound)
	}
	return u, nil
}

// openTicketsOf lists up to 100 unsolved tickets assigned to id.
func openTicketsOf(ctx context.Context, tx Store, tenant TenantID, id UserID) ([]TicketSummary, error) {
	q := TicketQuery{
		Filter: TicketFilter{Statuses: []Status{StatusNew, StatusOpen, StatusPending, StatusOnHold}, Assignee: AssigneeFilter{Mode: AssigneeUser, User: id}},
		Limit:  100,
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	page, err := tx.ListTickets(ctx, tenant, q)
	return page.Tickets, err
}

// keepsAnAdmin refuses a change that would leave the desk without an
// active admin: user is losing the admin role or being deactivated.
func keepsAnAdmin(ctx context.Context, tx Store, tenant TenantID, user UserID, field string) error {
	admins, err := tx.LockActiveAdmins(ctx, tenant)
	if err != nil {
		return err
	}
	if len(admins) == 1 && admins[0] == user {
		return invalid(field, "admin.error.last_admin")
	}
	return nil
}

// ChangeRole makes an agent an admin or an admin an agent. The last
// active admin keeps the role, whoever asks.
func (s *Service) ChangeRole(ctx context.Context, by Actor, id UserID, role string) (User, error) {
	var out User
	err := s.adminTx(ctx, by, "change role", func(tx Store) error {
		u, err := staffUser(ctx, tx, by.Tenant, id)
		if err != nil {
			return err
		}
		r, err := ParseRole(role)
		if err != nil || !r.IsStaff() {
			return invalid("role", "error.invalid")
		}
		if r == u.Role {
			out = u
			return nil
		}
		if u.Role == RoleAdmin && u.Active {
			if err := keepsAnAdmin(ctx, tx, by.Tenant, u.ID, "role"); err != nil {
				return err
			}
		}
		if out, err = tx.SetUserRole(ctx, by.Tenant, id, r); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "person.role", ObjectKind: "person", ObjectID: int64(id), ObjectLabel: u.Name,
			Before: AuditValues{"role": string(u.Role)}, After: AuditValues{"role": string(r)}})
	})
	return out, err
}

// SetActive deactivates or reactivates an agent or admin. People are never
// deleted: their history stays. Deactivating ends their sessions at once;
// nobody deactivates themselves or the last active admin. It returns the
// person's open tickets, which an admin should reassign.
func (s *Service) SetActive(ctx context.Context, by Actor, id UserID, active bool) (User, []TicketSummary, error) {
	var out User
	var open []TicketSummary
	err := s.adminTx(ctx, by, "set active", func(tx Store) error {
		u, err := staffUser(ctx, tx, by.Tenant, id)
		if err != nil {
			return err
		}
		if u.Active == active {
			out = u
		} else {
			if !active && id == by.User {
				return invalid("active", "admin.error.deactivate_self")
			}
			if !active && u.Role == RoleAdmin {
				if err := keepsAnAdmin(ctx, tx, by.Tenant, u.ID, "active"); err != nil {
					return err
				}
			}
			if out, err = tx.SetUserActive(ctx, by.Tenant, id, active); err != nil {
				return err
			}
			action := "person.deactivate"
			if active {
				action = "person.reactivate"
			}
			if err := s.audit(ctx, tx, by, AuditEntry{Action: action, ObjectKind: "person", ObjectID: int64(id), ObjectLabel: u.Name,
				Before: AuditValues{"active": strconv.FormatBool(u.Active)}, After: AuditValues{"active": strconv.FormatBool(active)}}); err != nil {
				return err
			}
		}
		open, err = openTicketsOf(ctx, tx, by.Tenant, id)
		return err
	})
	return out, open, err
}

// AgentRoutingInput is an agent's routing settings as an admin submits
// them; negative ids stand for values that were not numbers.
type AgentRoutingInput struct {
	Skills         []CategoryID
	Groups         []GroupID
	MaxOpenTickets string // "" no cap
}

// SetAgentRouting sets an agent's skills, groups and cap. Skills and
// groups must be the desk's own and not archived (an archived one the
// agent already has is kept).
func (s *Service) SetAgentRouting(ctx context.Context, by Actor, id UserID, in AgentRoutingInput) (AgentRouting, error) {
	var out AgentRouting
	err := s.adminTx(ctx, by, "set agent routing", func(tx Store) error {
		u, err := staffUser(ctx, tx, by.Tenant, id)
		if err != nil {
			return err
		}
		old, err := tx.AgentRouting(ctx, by.Tenant, id)
		if err != nil {
			return err
		}
		var v ValidationError
		if m := strings.TrimSpace(in.MaxOpenTickets); m != "" {
			n, err := strconv.Atoi(m)
			if err != nil || n < 1 || n > MaxOpenTicketsCap {
				v.Add("max_open_tickets", "admin.error.cap")
			}
			out.MaxOpenTickets = n
		}
		cats := map[CategoryID]string{}
		for _, c := range in.Skills {
			cat, err := tx.Category(ctx, by.Tenant, c)
			switch {
			case c <= 0 || errors.Is(err, ErrNotFound) || err == nil && cat.Archived() && !slices.Contains(old.Skills, c):
				v.Add("skills", "error.invalid")
				continue
			case err != nil:
				return err
			}
			if _, dup := cats[c]; !dup {
				cats[c] = cat.Name
				out.Skills = append(out.Skills, c)
			}
		}
		groups := map[GroupID]string{}
		for _, g := range in.Groups {
			grp, err := tx.Group(ctx, by.Tenant, g)
			switch {
			case g <= 0 || errors.Is(err, ErrNotFound) || err == nil && grp.Archived() && !slices.Contains(old.Groups, g):
				v.Add("groups", "error.invalid")
				continue
			case err != nil:
				return err
			}
			if _, dup := groups[g]; !dup {
				groups[g] = grp.Name
				out.Groups = append(out.Groups, g)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		slices.Sort(out.Skills)
		slices.Sort(out.Groups)
		if err := tx.SetAgentRouting(ctx, by.Tenant, id, out); err != nil {
			return err
		}
		before, err := routingAudit(ctx, tx, by.Tenant, old)
		if err != nil {
			return err
		}
		after, err := routingAudit(ctx, tx, by.Tenant, out)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "person.routing", ObjectKind: "person", ObjectID: int64(id), ObjectLabel: u.Name,
			Before: before, After: after})
	})
	return out, err
}

// routingAudit is r as the audit log shows it: names, not ids.
func routingAudit(ctx context.Context, tx Store, tenant TenantID, r AgentRouting) (AuditValues, error) {
	var skills, groups []string
	for _, c := range r.Skills {
		cat, err := tx.Category(ctx, tenant, c)
		if err != nil {
			return nil, err
		}
		skills = append(skills, cat.Name)
	}
	for _, g := range r.Groups {
		grp, err := tx.Group(ctx, tenant, g)
		if err != nil {
			return nil, err
		}
		groups = append(groups, grp.Name)
	}
	slices.Sort(skills)
	slices.Sort(groups)
	cap := ""
	if r.MaxOpenTickets > 0 {
		cap = strconv.Itoa(r.MaxOpenTickets)
	}
	return AuditValues{"skills": strings.Join(skills, ", "), "groups": strings.Join(groups, ", "), "max_open_tickets": cap}, nil
}

// invitationTTL is how long an invitation link works.
const invitationTTL = 7 * 24 * time.Hour
