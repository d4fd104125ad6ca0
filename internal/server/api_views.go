package server

import (
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The API's JSON shapes. They are explicit structs, never domain types,
// so the wire format changes only on purpose; docs/api.md and
// api_openapi.json describe them.

type apiRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiPerson struct {
	ID    int64  `json:"id,omitempty"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

type apiLink struct {
	Kind   string `json:"kind"`
	Number int64  `json:"number"`
}

type apiPhone struct {
	CallerNumber    string     `json:"caller_number"`
	CallStart       *time.Time `json:"call_start,omitempty"`
	DurationSeconds *int       `json:"duration_seconds,omitempty"`
	Agent           *apiRef    `json:"agent,omitempty"`
}

type apiMetrics struct {
	PublicAgentReplies int `json:"public_agent_replies"`
	Reopens            int `json:"reopens"`
	AssigneeChanges    int `json:"assignee_changes"`
	GroupChanges       int `json:"group_changes"`
	Escalations        int `json:"escalations"`
}

type apiTicket struct {
	Number       int64             `json:"number"`
	Subject      string            `json:"subject"`
	Status       string            `json:"status"`
	Priority     string            `json:"priority"`
	Urgency      string            `json:"urgency,omitempty"`
	Impact       string            `json:"impact,omitempty"`
	Channel      string            `json:"channel"`
	Requester    apiPerson         `json:"requester"`
	Organisation *int64            `json:"organisation_id"`
	Category     *apiRef           `json:"category"`
	Group        *apiRef           `json:"group"`
	Assignee     *apiRef           `json:"assignee"`
	Tags         []string          `json:"tags"`
	CustomFields map[string]string `json:"custom_fields"`
	Links        []apiLink         `json:"links"`
	MergedInto   *int64            `json:"merged_into"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	FirstReplyAt *time.Time        `json:"first_reply_at"`
	SolvedAt     *time.Time        `json:"solved_at"`
	ClosedAt     *time.Time        `json:"closed_at"`
	Version      int               `json:"version"`
	Metrics      *apiMetrics       `json:"metrics,omitempty"`
	Phone        *apiPhone         `json:"phone,omitempty"`
	Comments     []apiComment      `json:"comments,omitempty"`
	Events       []apiEvent        `json:"events,omitempty"`
	SLA          []apiSLAClock     `json:"sla,omitempty"`
}

type apiAttachment struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

type apiComment struct {
	ID          int64           `json:"id"`
	Public      bool            `json:"public"`
	Author      apiAuthor       `json:"author"`
	Channel     string          `json:"channel"`
	Body        string          `json:"body"`
	Attachments []apiAttachment `json:"attachments"`
	CreatedAt   time.Time       `json:"created_at"`
}

type apiAuthor struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id,omitempty"`
	Name string `json:"name"`
}

type apiEvent struct {
	ID     int64     `json:"id"`
	Kind   string    `json:"kind"`
	Actor  apiAuthor `json:"actor"`
	At     time.Time `json:"at"`
	Field  string    `json:"field,omitempty"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	FromID int64     `json:"from_id,omitempty"`
	ToID   int64     `json:"to_id,omitempty"`
}

type apiSLAClock struct {
	Metric        string     `json:"metric"`
	State         string     `json:"state"`
	TargetMinutes int64      `json:"target_minutes"`
	DueAt         *time.Time `json:"due_at"`
	BreachedAt    *time.Time `json:"breached_at"`
}

type apiTicketSummary struct {
	Number       int64      `json:"number"`
	Subject      string     `json:"subject"`
	Status       string     `json:"status"`
	Priority     string     `json:"priority"`
	Channel      string     `json:"channel"`
	Requester    apiPerson  `json:"requester"`
	Organisation *int64     `json:"organisation_id"`
	Category     *int64     `json:"category_id"`
	Group        *apiRef    `json:"group"`
	Assignee     *apiRef    `json:"assignee"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	NextDueAt    *time.Time `json:"next_due_at"`
	Version      int        `json:"version"`
}

type apiList[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func optID[T ~int64](id T) *int64 {
	if id == 0 {
		return nil
	}
	v := int64(id)
	return &v
}

func optRef[T ~int64](id T, name string) *apiRef {
	if id == 0 {
		return nil
	}
	return &apiRef{ID: int64(id), Name: name}
}

func toAPIPerson(r helpdesk.Requester) apiPerson {
	return apiPerson{ID: int64(r.User), Name: r.Name, Email: r.Email}
}

func toAPITicket(t helpdesk.Ticket, defs []helpdesk.CustomFieldDef) apiTicket {
	out := apiTicket{
		Number: int64(t.Number), Subject: t.Subject, Status: t.Status.String(), Priority: t.Priority.String(),
		Urgency: string(t.Urgency), Impact: string(t.Impact), Channel: t.Channel.String(),
		Requester: toAPIPerson(t.Requester), Organisation: optID(t.Organisation),
		Category: optRef(t.Category, t.CategoryName), Group: optRef(t.Group, t.GroupName),
		Assignee: optRef(t.Assignee, t.AssigneeName), Tags: t.Tags, CustomFields: map[string]string{},
		Links: []apiLink{}, MergedInto: optID(t.MergedInto.Number),
		CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), FirstReplyAt: optTime(t.FirstReplyAt),
		SolvedAt: optTime(t.SolvedAt), ClosedAt: optTime(t.ClosedAt), Version: t.Version,
		Metrics: &apiMetrics{PublicAgentReplies: t.PublicAgentReplies, Reopens: t.Reopens,
			AssigneeChanges: t.AssigneeChanges, GroupChanges: t.GroupChanges, Escalations: t.Escalations},
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	keys := map[helpdesk.CustomFieldID]string{}
	for _, d := range defs {
		keys[d.ID] = d.Key
	}
	for _, v := range t.Fields {
		if k, ok := keys[v.Field]; ok {
			out.CustomFields[k] = v.String()
		}
	}
	for _, l := range t.Links {
		out.Links = append(out.Links, apiLink{Kind: l.Kind.String(), Number: int64(l.Ticket.Number)})
	}
	return out
}

func toAPISummary(t helpdesk.TicketSummary) apiTicketSummary {
	return apiTicketSummary{
		Number: int64(t.Number), Subject: t.Subject, Status: t.Status.String(), Priority: t.Priority.String(),
		Channel: t.Channel.String(), Requester: toAPIPerson(t.Requester), Organisation: optID(t.Organisation),
		Category: optID(t.Category), Group: optRef(t.Group, t.GroupName), Assignee: optRef(t.Assignee, t.AssigneeName),
		CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), NextDueAt: optTime(t.NextDueAt), Version: t.Version,
	}
}

func toAPIAuthor(a helpdesk.Author) apiAuthor {
	return apiAuthor{Kind: string(a.Kind), ID: int64(a.User), Name: a.Name}
}

func toAPIComment(c helpdesk.Comment) apiComment {
	out := apiComment{ID: int64(c.ID), Public: c.Visibility == helpdesk.Public, Author: toAPIAuthor(c.Author),
		Channel: c.Channel.String(), Body: c.Body, Attachments: []apiAttachment{}, CreatedAt: c.CreatedAt.UTC()}
	for _, a := range c.Attachments {
		out.Attachments = append(out.Attachments, apiAttachment{ID: int64(a.ID), Filename: a.Filename, ContentType: a.ContentType, Size: a.Size})
	}
	return out
}

func toAPIEvent(e helpdesk.Event) apiEvent {
	return apiEvent{ID: int64(e.ID), Kind: e.Kind.String(), Actor: toAPIAuthor(e.Actor), At: e.At.UTC(),
		Field: e.Field, From: e.From, To: e.To, FromID: e.FromID, ToID: e.ToID}
}

func toAPIPhone(c helpdesk.PhoneCall) *apiPhone {
	p := &apiPhone{CallerNumber: c.CallerNumber, CallStart: optTime(c.StartedAt), Agent: optRef(c.Agent, c.AgentName)}
	if c.Duration >= 0 {
		d := int(c.Duration / time.Second)
		p.DurationSeconds = &d
	}
	return p
}

func toAPISLA(c helpdesk.SLAClocks) []apiSLAClock {
	var out []apiSLAClock
	for _, m := range helpdesk.SLAMetrics() {
		ck, ok := c.Clocks[m]
		if !ok {
			continue
		}
		out = append(out, apiSLAClock{Metric: string(m), State: string(ck.State), TargetMinutes: int64(ck.Target / time.Minute),
			DueAt: optTime(ck.DueAt), BreachedAt: optTime(ck.ReachedAt)})
	}
	return out
}
