package helpdesk

import "context"

// Store is everything the domain persists. internal/postgres implements it.
// Every method takes the tenant explicitly, right after ctx.
type Store interface {
	// InTx runs fn in one transaction bound to tenant; the Store passed to
	// fn joins it. Nested calls are refused.
	InTx(ctx context.Context, tenant TenantID, fn func(Store) error) error

	AccountStore
	TicketStore
	WorkspaceStore
	CCStore
	DensityStore
	DirectoryStore
	GuestStore
	ProfileStore
	SatisfactionStore
	PresenceStore
	MacroStore
	ViewStore
	QueueStore
	AgentSettingsStore
	AuditStore
	CategoryAdminStore
	GroupAdminStore
	PeopleStore
	InvitationStore
	FieldAdminStore
	SettingsStore
	CustomerStore
	AdminStore
	SLAStore
	RoutingStore
	AutomationStore
	MailStore
	ReportStore
	KBStore
	APIStore
	WebhookStore
	IdempotencyStore
	CreationStore
	DeviceStore
	TimeStore
	AccountMailStore
	SessionStore
	FactorStore
	SSOStore
	PasskeyStore
}
