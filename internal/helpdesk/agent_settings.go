package helpdesk

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Availability says whether an agent takes new work: routing assigns
// tickets only to available agents.
type Availability string

const (
	Available Availability = "available"
	Away      Availability = "away"
)

// Valid reports whether a is a known availability.
func (a Availability) Valid() bool { return a == Available || a == Away }

// NotificationKind is a kind of notice the desk sends an agent. Every kind
// is on until the agent turns it off.
type NotificationKind string

const (
	NotifyAssigned       NotificationKind = "assigned"        // a ticket was assigned to them
	NotifyRequesterReply NotificationKind = "requester_reply" // a requester replied on their ticket
	NotifyMention        NotificationKind = "mention"         // an internal note @mentions them
	NotifyGroupNew       NotificationKind = "group_new"       // a new ticket in one of their groups
	NotifySLAWarning     NotificationKind = "sla_warning"     // their ticket is about to breach
	NotifySLABreach      NotificationKind = "sla_breach"      // their ticket breached
	NotifyRule           NotificationKind = "rule"            // an automation rule's notice names them
)

// NotificationKinds lists every kind in display order.
func NotificationKinds() []NotificationKind {
	return []NotificationKind{NotifyAssigned, NotifyRequesterReply, NotifyMention, NotifyGroupNew, NotifySLAWarning, NotifySLABreach, NotifyRule}
}

// MaxSignatureLen bounds a signature, in characters.
const MaxSignatureLen = 2000

// AgentSettings are what an agent sets on their console profile.
type AgentSettings struct {
	Availability Availability
	// Signature is appended to the agent's public replies from the console.
	Signature string
	// Language is "es", "en", or "" for the desk's default.
	Language         string
	NotificationsOff []NotificationKind
}

// Wants reports whether the agent wants notices of kind k.
func (a AgentSettings) Wants(k NotificationKind) bool { return !slices.Contains(a.NotificationsOff, k) }

// AgentSettingsStore keeps agents' settings. Both methods answer
// ErrNotFound for anyone but an active agent or admin of the tenant.
type AgentSettingsStore interface {
	AgentSettings(ctx context.Context, tenant TenantID, user UserID) (AgentSettings, error)
	SetAgentSettings(ctx context.Context, tenant TenantID, user UserID, a AgentSettings) error
}

// AgentSettingsInput is the profile form as submitted.
type AgentSettingsInput struct {
	Availability string
	Signature    string
	Language     string
	// Notify lists the kinds left on; every other kind is turned off.
	Notify []string
}

// AgentSettings returns the acting agent's own settings.
func (s *Service) AgentSettings(ctx context.Context, by Actor) (AgentSettings, error) {
	if !by.IsStaff() || by.User <= 0 {
		return AgentSettings{}, fmt.Errorf("helpdesk: agent settings: %w", ErrNotFound)
	}
	return s.store.AgentSettings(ctx, by.Tenant, by.User)
}

// UpdateAgentSettings changes the acting agent's own settings; there is
// no way to name another agent. Every problem is reported at once.
func (s *Service) UpdateAgentSettings(ctx context.Context, by Actor, in AgentSettingsInput) (AgentSettings, error) {
	if !by.IsStaff() || by.User <= 0 {
		return AgentSettings{}, fmt.Errorf("helpdesk: agent settings: %w", ErrNotFound)
	}
	var v ValidationError
	a := AgentSettings{Availability: Availability(in.Availability), Signature: strings.TrimSpace(CleanText(in.Signature)), Language: in.Language}
	if !a.Availability.Valid() {
		v.Add("availability", "error.invalid")
	}
	if runeLen(a.Signature) > MaxSignatureLen {
		v.Add("signature", "error.too_long")
	}
	switch a.Language {
	case "", "es", "en":
	default:
		v.Add("language", "error.invalid")
	}
	for _, k := range in.Notify {
		if !slices.Contains(NotificationKinds(), NotificationKind(k)) {
			v.Add("notify", "error.invalid")
		}
	}
	for _, k := range NotificationKinds() {
		if !slices.Contains(in.Notify, string(k)) {
			a.NotificationsOff = append(a.NotificationsOff, k)
		}
	}
	if err := v.Err(); err != nil {
		return AgentSettings{}, err
	}
	if err := s.store.SetAgentSettings(ctx, by.Tenant, by.User, a); err != nil {
		return AgentSettings{}, err
	}
	return a, nil
}

// WithSignature appends sig to a public reply's body, separated the way
// mail clients separate signatures, unless the body is empty (a signature
// alone is no reply) or already ends with it.
func WithSignature(body, sig string) string {
	sig = strings.TrimSpace(sig)
	if sig == "" || strings.TrimSpace(body) == "" || strings.HasSuffix(strings.TrimSpace(body), sig) {
		return body
	}
	return strings.TrimRight(body, " \n\t") + "\n\n-- \n" + sig
}
