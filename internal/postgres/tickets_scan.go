package postgres

import (
	"fmt"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/jackc/pgx/v5"
)

type fieldJSON struct {
	Field  int64    `json:"f"`
	Type   string   `json:"y"`
	Text   *string  `json:"t"`
	Number *float64 `json:"n"`
	Date   *string  `json:"d"`
	Bool   *bool    `json:"b"`
}

type linkJSON struct {
	Kind   string `json:"k"`
	ID     int64  `json:"id"`
	Number int64  `json:"n"`
}

func scanTicket(row pgx.Row, tenant helpdesk.TenantID) (helpdesk.Ticket, error) {
	var t helpdesk.Ticket
	var id, number, reqID, org, cat, grp, asg, merged, mergedNum int64
	var status, urgency, impact, channel string
	var rank int
	var firstReply, solved, closed, waiting *time.Time
	var tags []string
	var followers []int64
	var fields []fieldJSON
	var links []linkJSON
	err := row.Scan(&id, &number, &t.Subject, &status, &rank, &t.PriorityOverridden,
		&urgency, &impact, &channel,
		&reqID, &t.Requester.Name, &t.Requester.Email,
		&org, &cat, &t.CategoryName, &grp, &t.GroupName, &asg, &t.AssigneeName,
		&merged, &mergedNum,
		&t.StatusChangedAt, &t.CreatedAt, &t.UpdatedAt, &firstReply, &solved, &closed, &waiting,
		&t.PublicAgentReplies, &t.Reopens, &t.AssigneeChanges, &t.GroupChanges, &t.Escalations, &t.Version,
		&tags, &followers, &fields, &links)
	if err != nil {
		return t, err
	}
	t.ID, t.Tenant, t.Number = helpdesk.TicketID(id), tenant, helpdesk.TicketNumber(number)
	t.Status, t.Urgency, t.Impact, t.Channel = helpdesk.Status(status), helpdesk.Urgency(urgency), helpdesk.Impact(impact), helpdesk.Channel(channel)
	if t.Priority, err = helpdesk.PriorityFromRank(rank); err != nil {
		return t, fmt.Errorf("priority rank %d: %w", rank, err)
	}
	t.Requester.User = helpdesk.UserID(reqID)
	t.Organisation, t.Category = helpdesk.OrganisationID(org), helpdesk.CategoryID(cat)
	t.Group, t.Assignee = helpdesk.GroupID(grp), helpdesk.UserID(asg)
	if merged != 0 {
		t.MergedInto = helpdesk.TicketRef{ID: helpdesk.TicketID(merged), Number: helpdesk.TicketNumber(mergedNum)}
	}
	t.StatusChangedAt, t.CreatedAt, t.UpdatedAt = t.StatusChangedAt.UTC(), t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	t.FirstReplyAt, t.SolvedAt, t.ClosedAt = fromTime(firstReply), fromTime(solved), fromTime(closed)
	t.RequesterWaitingSince = fromTime(waiting)
	if len(tags) > 0 {
		t.Tags = tags
	}
	for _, u := range followers {
		t.Followers = append(t.Followers, helpdesk.UserID(u))
	}
	for _, f := range fields {
		v, err := f.value()
		if err != nil {
			return t, err
		}
		t.Fields = append(t.Fields, v)
	}
	for _, l := range links {
		t.Links = append(t.Links, helpdesk.Link{Kind: helpdesk.LinkKind(l.Kind),
			Ticket: helpdesk.TicketRef{ID: helpdesk.TicketID(l.ID), Number: helpdesk.TicketNumber(l.Number)}})
	}
	return t, nil
}

func (f fieldJSON) value() (helpdesk.CustomFieldValue, error) {
	v := helpdesk.CustomFieldValue{Field: helpdesk.CustomFieldID(f.Field), Type: helpdesk.FieldType(f.Type)}
	if f.Text != nil {
		v.Text = *f.Text
	}
	if f.Number != nil {
		v.Number = *f.Number
	}
	if f.Bool != nil {
		v.Bool = *f.Bool
	}
	if f.Date != nil {
		d, err := time.Parse(time.DateOnly, *f.Date)
		if err != nil {
			return v, fmt.Errorf("custom field %d: date %q: %w", f.Field, *f.Date, err)
		}
		v.Date = d
	}
	return v, nil
}

// fromTime turns a nullable timestamp into the domain's "zero means not yet".
func fromTime(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

// toTime is the reverse of fromTime.
func toTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// toID turns a domain id into a nullable column value (0 is NULL).
func toID[T ~int64](id T) *int64 {
	if id == 0 {
		return nil
	}
	v := int64(id)
	return &v
}

// micro truncates t to the precision of timestamptz, so what CreateTicket
// returns equals what a later load reads.
func micro(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Microsecond).UTC()
}
