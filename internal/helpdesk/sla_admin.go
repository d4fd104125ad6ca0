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

// SLAConfig is what the SLA admin pages show: the ordered policies, every
// calendar and the settings.
type SLAConfig struct {
	Policies   []SLAPolicy
	Calendars  []Calendar
	SoonWindow time.Duration
}

// Policy returns the policy with id.
func (c SLAConfig) Policy(id SLAPolicyID) (SLAPolicy, bool) {
	for _, p := range c.Policies {
		if p.ID == id {
			return p, true
		}
	}
	return SLAPolicy{}, false
}

// Calendar returns the calendar with id.
func (c SLAConfig) Calendar(id CalendarID) (Calendar, bool) {
	for _, cal := range c.Calendars {
		if cal.ID == id {
			return cal, true
		}
	}
	return Calendar{}, false
}

func slaAdmin(by Actor, op string) error {
	if !by.IsAdmin() {
		return fmt.Errorf("helpdesk: %s: %w", op, ErrNotFound)
	}
	return nil
}

// SLAConfig loads the tenant's SLA configuration (admins only).
func (s *Service) SLAConfig(ctx context.Context, by Actor) (SLAConfig, error) {
	if err := slaAdmin(by, "SLA config"); err != nil {
		return SLAConfig{}, err
	}
	var out SLAConfig
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		setup, err := tx.SLASetup(ctx, by.Tenant)
		if err != nil {
			return err
		}
		cals, err := tx.SLACalendars(ctx, by.Tenant)
		if err != nil {
			return err
		}
		out = SLAConfig{Policies: setup.Policies, Calendars: cals, SoonWindow: setup.SoonWindow}
		return nil
	})
	return out, err
}

// SaveCalendar creates (id 0) or changes a calendar, then recomputes the
// deadlines of the open tickets in the same transaction. A name already
// used is a field error.
func (s *Service) SaveCalendar(ctx context.Context, by Actor, id CalendarID, in CalendarInput) (Calendar, error) {
	if err := slaAdmin(by, "save calendar"); err != nil {
		return Calendar{}, err
	}
	c, err := in.calendar()
	if err != nil {
		return Calendar{}, err
	}
	c.ID = id
	err = s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var before AuditValues
		if id != 0 {
			cals, err := tx.SLACalendars(ctx, by.Tenant)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(cals, func(o Calendar) bool { return o.ID == id })
			if i < 0 {
				return fmt.Errorf("helpdesk: calendar %d: %w", id, ErrNotFound)
			}
			before = calendarAudit(cals[i])
		}
		var err error
		if c, err = tx.SaveSLACalendar(ctx, by.Tenant, c); err != nil {
			if errors.Is(err, ErrConflict) {
				return invalid("name", "sla.error.name_taken")
			}
			return err
		}
		action := "sla_calendar.create"
		if id != 0 {
			action = "sla_calendar.update"
		}
		if err := s.audit(ctx, tx, by, AuditEntry{Action: action, ObjectKind: "sla_calendar", ObjectID: int64(c.ID),
			ObjectLabel: c.Name, Before: before, After: calendarAudit(c)}); err != nil {
			return err
		}
		return s.recomputeSLA(ctx, tx, by.Tenant, s.now())
	})
	return c, err
}

// SavePolicy creates (id 0, last in the list) or changes a policy, then
// recomputes the open tickets' deadlines. Every id it names must be the
// tenant's.
func (s *Service) SavePolicy(ctx context.Context, by Actor, id SLAPolicyID, in SLAPolicyInput) (SLAPolicy, error) {
	if err := slaAdmin(by, "save SLA policy"); err != nil {
		return SLAPolicy{}, err
	}
	p, verr := in.policy()
	var v ValidationError
	var ve *ValidationError
	if errors.As(verr, &ve) {
		v = *ve
	}
	p.ID = id
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if err := checkPolicyRefs(ctx, tx, by.Tenant, &p, &v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		var before AuditValues
		if id != 0 {
			old, err := policyByID(ctx, tx, by.Tenant, id)
			if err != nil {
				return err
			}
			before = policyAudit(old)
		}
		var err error
		if p, err = tx.SaveSLAPolicy(ctx, by.Tenant, p); err != nil {
			if errors.Is(err, ErrConflict) {
				return invalid("name", "sla.error.name_taken")
			}
			return err
		}
		action := "sla_policy.create"
		if id != 0 {
			action = "sla_policy.update"
		}
		if err := s.audit(ctx, tx, by, AuditEntry{Action: action, ObjectKind: "sla_policy", ObjectID: int64(p.ID),
			ObjectLabel: p.Name, Before: before, After: policyAudit(p)}); err != nil {
			return err
		}
		return s.recomputeSLA(ctx, tx, by.Tenant, s.now())
	})
	return p, err
}

// checkPolicyRefs checks that the calendar, categories, groups and agents
// p names are the tenant's.
func checkPolicyRefs(ctx context.Context, tx Store, tenant TenantID, p *SLAPolicy, v *ValidationError) error {
	if p.Calendar != 0 {
		cals, err := tx.SLACalendars(ctx, tenant)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(cals, func(c Calendar) bool { return c.ID == p.Calendar }) {
			v.Add("calendar", "error.invalid")
		}
	}
	if len(p.Categories) > 0 {
		cats, err := tx.Categories(ctx, tenant)
		if err != nil {
			return err
		}
		for _, id := range p.Categories {
			if !slices.ContainsFunc(cats, func(c Category) bool { return c.ID == id }) {
				v.Add("categories", "error.invalid")
			}
		}
	}
	if len(p.Groups) > 0 {
		groups, err := tx.Groups(ctx, tenant)
		if err != nil {
			return err
		}
		for _, id := range p.Groups {
			if !slices.ContainsFunc(groups, func(g Group) bool { return g.ID == id }) {
				v.Add("groups", "error.invalid")
			}
		}
	}
	for _, id := range p.Organisations {
		if id <= 0 {
			v.Add("organisations", "error.invalid")
		}
	}
	for i, l := range p.Escalations {
		if l.AssignTo == 0 {
			continue
		}
		u, err := tx.User(ctx, tenant, l.AssignTo)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if err != nil || !u.Role.IsStaff() || !u.Active {
			v.Add(fmt.Sprintf("escalation_%d", i+1), "sla.error.agent")
		}
	}
	return nil
}

// DeletePolicy removes a policy; tickets it governed fall to the next
// match. Their recorded breaches stay.
func (s *Service) DeletePolicy(ctx context.Context, by Actor, id SLAPolicyID) error {
	if err := slaAdmin(by, "delete SLA policy"); err != nil {
		return err
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		old, err := policyByID(ctx, tx, by.Tenant, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteSLAPolicy(ctx, by.Tenant, id); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, by, AuditEntry{Action: "sla_policy.delete", ObjectKind: "sla_policy", ObjectID: int64(id),
			ObjectLabel: old.Name, Before: policyAudit(old)}); err != nil {
			return err
		}
		return s.recomputeSLA(ctx, tx, by.Tenant, s.now())
	})
}

// MovePolicy moves a policy one place up or down the ordered list.
func (s *Service) MovePolicy(ctx context.Context, by Actor, id SLAPolicyID, up bool) error {
	if err := slaAdmin(by, "move SLA policy"); err != nil {
		return err
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		old, err := policyByID(ctx, tx, by.Tenant, id)
		if err != nil {
			return err
		}
		if err := tx.MoveSLAPolicy(ctx, by.Tenant, id, up); err != nil {
			return err
		}
		moved, err := policyByID(ctx, tx, by.Tenant, id)
		if err != nil {
			return err
		}
		if err := s.audit(ctx, tx, by, AuditEntry{Action: "sla_policy.move", ObjectKind: "sla_policy", ObjectID: int64(id),
			ObjectLabel: old.Name, Before: AuditValues{"position": strconv.Itoa(old.Position)},
			After: AuditValues{"position": strconv.Itoa(moved.Position)}}); err != nil {
			return err
		}
		return s.recomputeSLA(ctx, tx, by.Tenant, s.now())
	})
}

// SetSoonWindow sets how close a deadline must be to show in "Por vencer"
// (1 minute to 7 days).
func (s *Service) SetSoonWindow(ctx context.Context, by Actor, d time.Duration) error {
	if err := slaAdmin(by, "SLA settings"); err != nil {
		return err
	}
	if d < time.Minute || d > 7*24*time.Hour {
		return invalid("soon_window", "sla.error.soon_window")
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		setup, err := tx.SLASetup(ctx, by.Tenant)
		if err != nil {
			return err
		}
		if err := tx.SetSLASoonWindow(ctx, by.Tenant, d); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "sla_settings.update", ObjectKind: "sla_settings",
			Before: AuditValues{"soon_window": setup.SoonWindow.String()}, After: AuditValues{"soon_window": d.String()}})
	})
}

// policyByID loads one of the tenant's policies; another's is not found.
func policyByID(ctx context.Context, tx Store, tenant TenantID, id SLAPolicyID) (SLAPolicy, error) {
	setup, err := tx.SLASetup(ctx, tenant)
	if err != nil {
		return SLAPolicy{}, err
	}
	for _, p := range setup.Policies {
		if p.ID == id {
			return p, nil
		}
	}
	return SLAPolicy{}, fmt.Errorf("helpdesk: SLA policy %d: %w", id, ErrNotFound)
}

// calendarAudit is a calendar as the audit log shows it.
func calendarAudit(c Calendar) AuditValues {
	days := make([]string, 0, 7)
	for d := range c.Week {
		days = append(days, time.Weekday(d).String()[:3]+" "+FormatIntervals(c.Week[d]))
	}
	hs := make([]string, 0, len(c.Holidays))
	for _, h := range c.Holidays {
		hs = append(hs, strings.TrimSpace(h.String()+" "+h.Name))
	}
	return AuditValues{"name": c.Name, "time_zone": c.TimeZone, "hours": strings.Join(days, "; "), "holidays": strings.Join(hs, "; ")}
}

// policyAudit is a policy as the audit log shows it.
func policyAudit(p SLAPolicy) AuditValues {
	join := func(n int, f func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = f(i)
		}
		return strings.Join(parts, ", ")
	}
	var targets []string
	for _, pr := range Priorities() {
		if t, ok := p.Targets[pr]; ok {
			targets = append(targets, fmt.Sprintf("%s %d/%d/%d", pr, t.FirstReply, t.NextReply, t.Resolution))
		}
	}
	var ladder []string
	for _, l := range p.Escalations {
		var acts []string
		for _, a := range []struct {
			on   bool
			name string
		}{{l.NotifyAssignee, "notify_assignee"}, {l.NotifyLeads, "notify_leads"}, {l.NotifyAdmins, "notify_admins"},
			{l.RaisePriority, "raise_priority"}, {l.NextTier, "next_tier"}, {l.AssignTo != 0, fmt.Sprintf("assign_to=%d", l.AssignTo)}} {
			if a.on {
				acts = append(acts, a.name)
			}
		}
		metric := string(l.Metric)
		if metric == "" {
			metric = "any"
		}
		ladder = append(ladder, fmt.Sprintf("%d%% %s: %s", l.Percent, metric, strings.Join(acts, " ")))
	}
	return AuditValues{
		"name":          p.Name,
		"priorities":    join(len(p.Priorities), func(i int) string { return string(p.Priorities[i]) }),
		"channels":      join(len(p.Channels), func(i int) string { return string(p.Channels[i]) }),
		"categories":    join(len(p.Categories), func(i int) string { return strconv.FormatInt(int64(p.Categories[i]), 10) }),
		"groups":        join(len(p.Groups), func(i int) string { return strconv.FormatInt(int64(p.Groups[i]), 10) }),
		"organisations": join(len(p.Organisations), func(i int) string { return strconv.FormatInt(int64(p.Organisations[i]), 10) }),
		"calendar":      strconv.FormatInt(int64(p.Calendar), 10),
		"pause_on_hold": strconv.FormatBool(p.PauseOnHold),
		"targets":       strings.Join(targets, "; "),
		"escalations":   strings.Join(ladder, "; "),
	}
}

// SLAOrganisation names an organisation for the policy form.
type SLAOrganisation struct {
	ID   OrganisationID
	Name string
}

// SLAChoices are what the policy form offers: the desk's categories,
// groups, organisations and active agents.
type SLAChoices struct {
	Categories    []Category
	Groups        []Group
	Organisations []SLAOrganisation
	Agents        []User
}

// SLAAdmin loads the SLA configuration and the form choices in one
// transaction (admins only).
func (s *Service) SLAAdmin(ctx context.Context, by Actor) (SLAConfig, SLAChoices, error) {
	if err := slaAdmin(by, "SLA admin"); err != nil {
		return SLAConfig{}, SLAChoices{}, err
	}
	var cfg SLAConfig
	var ch SLAChoices
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		setup, err := tx.SLASetup(ctx, by.Tenant)
		if err != nil {
			return err
		}
		cals, err := tx.SLACalendars(ctx, by.Tenant)
		if err != nil {
			return err
		}
		cfg = SLAConfig{Policies: setup.Policies, Calendars: cals, SoonWindow: setup.SoonWindow}
		ch, err = tx.SLAChoices(ctx, by.Tenant)
		return err
	})
	return cfg, ch, err
}
