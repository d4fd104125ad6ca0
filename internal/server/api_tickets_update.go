package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// apiTicketPatch is the body of PATCH /tickets/{number}: members left out
// are not changed.
type apiTicketPatch struct {
	Status       *string                    `json:"status"`
	Priority     *string                    `json:"priority"`
	Urgency      *string                    `json:"urgency"`
	Impact       *string                    `json:"impact"`
	AssigneeID   *int64                     `json:"assignee_id"`
	GroupID      *int64                     `json:"group_id"`
	CategoryID   *int64                     `json:"category_id"`
	CustomFields map[string]json.RawMessage `json:"custom_fields"`
	Tags         *[]string                  `json:"tags"`
	AddTags      []string                   `json:"add_tags"`
}

// ticketStep is one change of a PATCH, made through the Service at the
// version the previous step left.
type ticketStep func(at helpdesk.TicketVersion) (helpdesk.Ticket, error)

// apiUpdateTicket applies a PATCH as the console's forms would, one
// domain operation per changed member, each checked against the version
// the previous one produced; the first against If-Match. Members are
// parsed before anything changes, so malformed input changes nothing; a
// rule the domain refuses stops the sequence (the answer names it, and
// the ticket's current version is in the problem's ETag).
func (s *Server) apiUpdateTicket(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	ctx := r.Context()
	n, err := apiNumber(r)
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var in apiTicketPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	steps, err := s.patchSteps(r, c, in)
	if err != nil {
		return err
	}
	at := helpdesk.TicketVersion{Number: n, Version: version}
	if len(steps) == 0 {
		// Nothing to change: still check the version and visibility.
		t, err := s.svc.Ticket(ctx, c.by, n)
		if err != nil {
			return err
		}
		if t.Version != version {
			return helpdesk.ErrConflict
		}
	}
	for _, step := range steps {
		t, err := step(at)
		if err != nil {
			return err
		}
		at.Version = t.Version
	}
	return s.answerTicket(w, r, c, http.StatusOK, n)
}

// patchSteps parses a PATCH into its steps, in a fixed order: category
// (which may route), priority, urgency and impact, assignment, fields,
// tags, and the status last (solving may need the fields).
func (s *Server) patchSteps(r *http.Request, c *apiCall, in apiTicketPatch) ([]ticketStep, error) {
	ctx, by := r.Context(), c.by
	var v helpdesk.ValidationError
	var steps []ticketStep
	if in.CategoryID != nil {
		id := helpdesk.CategoryID(*in.CategoryID)
		steps = append(steps, func(at helpdesk.TicketVersion) (helpdesk.Ticket, error) { return s.svc.SetCategory(ctx, by, at, id) })
	}
	if in.Priority != nil {
		p, err := helpdesk.ParsePriority(*in.Priority)
		if err != nil {
			v.Add("priority", "error.invalid")
		}
		steps = append(steps, func(at helpdesk.TicketVersion) (helpdesk.Ticket, error) { return s.svc.SetPriority(ctx, by, at, p) })
	}
	if in.Urgency != nil || in.Impact != nil {
		steps = append(steps, s.urgencyStep(r, c, in, &v))
	}
	if in.AssigneeID != nil || in.GroupID != nil {
		var a helpdesk.Assignment
		if in.GroupID != nil {
			g := helpdesk.GroupID(*in.GroupID)
			a.Group = &g
		}
		if in.AssigneeID != nil {
			u := helpdesk.UserID(*in.AssigneeID)
			a.Agent = &u
		}
		steps = append(steps, func(at helpdesk.TicketVersion) (helpdesk.Ticket, error) { return s.svc.Assign(ctx, by, at, a) })
	}
	if len(in.CustomFields) > 0 {
		fields, err := s.customFields(r, c, in.CustomFields)
		var ve *helpdesk.ValidationError
		switch {
		case errors.As(err, &ve):
			mergeInvalid(&v, err)
		case err != nil:
			return nil, err
		}
		steps = append(steps, func(at helpdesk.TicketVersion) (helpdesk.Ticket, error) {
			return s.svc.SetCustomFields(ctx, by, at, fields)
		})
	}
	if in.Tags != nil {
		tags := *in.Tags
		steps = append(steps, func(at helpdesk.TicketVersion) (helpdesk.Ticket, error) { return s.svc.SetTags(ctx, by, at, tags) })
	}
	if len(in.AddTags) > 0 {
		steps = append(steps, func(at helpdesk.TicketVersion) (helpdesk.Ticket, error) {
			return s.svc.AddTags(ctx, by, at, in.AddTags)
		})
	}
	if in.Status != nil {
		st, err := helpdesk.ParseStatus(*in.Status)
		if err != nil {
			v.Add("status", "error.invalid")
		}
		steps = append(steps, func(at helpdesk.TicketVersion) (helpdesk.Ticket, error) { return s.svc.ChangeStatus(ctx, by, at, st) })
	}
	return steps, v.Err()
}

// urgencyStep sets urgency and impact; a member left out keeps the
// ticket's current value, read when the step runs.
func (s *Server) urgencyStep(r *http.Request, c *apiCall, in apiTicketPatch, v *helpdesk.ValidationError) ticketStep {
	var u helpdesk.Urgency
	var i helpdesk.Impact
	var err error
	if in.Urgency != nil {
		if u, err = helpdesk.ParseUrgency(*in.Urgency); err != nil {
			v.Add("urgency", "error.invalid")
		}
	}
	if in.Impact != nil {
		if i, err = helpdesk.ParseImpact(*in.Impact); err != nil {
			v.Add("impact", "error.invalid")
		}
	}
	return func(at helpdesk.TicketVersion) (helpdesk.Ticket, error) {
		if u == "" || i == "" {
			t, err := s.svc.Ticket(r.Context(), c.by, at.Number)
			if err != nil {
				return helpdesk.Ticket{}, err
			}
			if u == "" {
				u = t.Urgency
			}
			if i == "" {
				i = t.Impact
			}
		}
		return s.svc.SetUrgencyImpact(r.Context(), c.by, at, u, i)
	}
}

// apiMergeIn is the body of POST /tickets/{number}/merge.
type apiMergeIn struct {
	Into int64 `json:"into"`
}

func (s *Server) apiMergeTicket(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	var in apiMergeIn
	n, err := apiTicketJSON(r, &in)
	if err != nil {
		return err
	}
	if in.Into <= 0 {
		return &helpdesk.ValidationError{Fields: map[string]string{"into": "error.required"}}
	}
	at, err := basedOn(r, n)
	if err != nil {
		return err
	}
	if _, err := s.svc.Merge(r.Context(), c.by, at, helpdesk.TicketNumber(in.Into)); err != nil {
		return err
	}
	return s.answerTicket(w, r, c, http.StatusOK, n)
}

// apiLinkIn is the body of POST /tickets/{number}/links.
type apiLinkIn struct {
	Number int64  `json:"number"`
	Kind   string `json:"kind"`
}

func (s *Server) apiLinkTicket(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	var in apiLinkIn
	n, err := apiTicketJSON(r, &in)
	if err != nil {
		return err
	}
	var v helpdesk.ValidationError
	if in.Number <= 0 {
		v.Add("number", "error.required")
	}
	if in.Kind != "" && in.Kind != string(helpdesk.LinkRelated) && in.Kind != string(helpdesk.LinkDuplicateOf) {
		v.Add("kind", "error.invalid")
	}
	if err := v.Err(); err != nil {
		return err
	}
	at, err := basedOn(r, n)
	if err != nil {
		return err
	}
	other := helpdesk.TicketNumber(in.Number)
	if in.Kind == string(helpdesk.LinkDuplicateOf) {
		_, err = s.svc.MarkDuplicate(r.Context(), c.by, at, other)
	} else {
		_, err = s.svc.Link(r.Context(), c.by, at, other)
	}
	if err != nil {
		return err
	}
	return s.answerTicket(w, r, c, http.StatusOK, n)
}

// apiFilter reads the list filters shared by /tickets and /tickets/search.
// A malformed parameter is a field error: nothing is guessed.
func apiFilter(q url.Values) (helpdesk.TicketFilter, error) {
	var f helpdesk.TicketFilter
	var v helpdesk.ValidationError
	list := func(name string) []string {
		var out []string
		for _, part := range strings.Split(q.Get(name), ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
		return out
	}
	id := func(name string) int64 {
		raw := q.Get(name)
		if raw == "" {
			return 0
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n <= 0 {
			v.Add(name, "error.invalid")
			return 0
		}
		return n
	}
	for _, st := range list("status") {
		f.Statuses = append(f.Statuses, helpdesk.Status(st))
	}
	for _, p := range list("priority") {
		f.Priorities = append(f.Priorities, helpdesk.Priority(p))
	}
	for _, g := range list("group") {
		n, err := strconv.ParseInt(g, 10, 64)
		if err != nil {
			v.Add("group", "error.invalid")
		}
		f.Groups = append(f.Groups, helpdesk.GroupID(n))
	}
	switch a := q.Get("assignee"); a {
	case "":
	case "me", "nobody", "anyone":
		f.Assignee.Mode = helpdesk.AssigneeMode(a)
	default:
		f.Assignee = helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeUser, User: helpdesk.UserID(id("assignee"))}
	}
	f.Category = helpdesk.CategoryID(id("category"))
	f.Requester = helpdesk.UserID(id("requester"))
	f.Organisation = helpdesk.OrganisationID(id("organisation"))
	f.Tag = q.Get("tag")
	f.Channel = helpdesk.Channel(q.Get("channel"))
	f.Text = q.Get("q")
	for name, dst := range map[string]*time.Time{"created_after": &f.Created.From, "created_before": &f.Created.To,
		"updated_after": &f.Updated.From, "updated_before": &f.Updated.To} {
		if raw := q.Get(name); raw != "" {
			t, err := time.Parse(time.RFC3339, raw)
			if err != nil {
				v.Add(name, "error.invalid")
			}
			*dst = t.UTC()
		}
	}
	return f, v.Err()
}

func apiLimit(q url.Values) (int, error) {
	raw := q.Get("limit")
	if raw == "" {
		return helpdesk.DefaultPageSize, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > helpdesk.MaxPageSize {
		return 0, &helpdesk.ValidationError{Fields: map[string]string{"limit": "error.invalid"}}
	}
	return n, nil
}

// apiPage reads what the lists share: the filters, the cursor (which must
// be one of sort) and the page size.
func apiPage(q url.Values, sort helpdesk.Sort) (helpdesk.TicketFilter, helpdesk.Cursor, int, error) {
	f, err := apiFilter(q)
	if err != nil {
		return f, helpdesk.Cursor{}, 0, err
	}
	cur, err := helpdesk.ParseCursor(q.Get("cursor"), sort)
	if err != nil {
		return f, cur, 0, err
	}
	limit, err := apiLimit(q)
	return f, cur, limit, err
}

func (s *Server) apiListTickets(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	q := r.URL.Query()
	sort, err := helpdesk.ParseSort(q.Get("sort"))
	if err != nil {
		return err
	}
	f, cur, limit, err := apiPage(q, sort)
	if err != nil {
		return err
	}
	page, err := s.svc.Tickets(r.Context(), c.by, helpdesk.TicketQuery{Filter: f, Sort: sort, Cursor: cur, Limit: limit})
	if err != nil {
		return err
	}
	out := apiList[apiTicketSummary]{Data: []apiTicketSummary{}, NextCursor: page.Next.String()}
	for _, t := range page.Tickets {
		out.Data = append(out.Data, toAPISummary(t))
	}
	return apiJSON(w, http.StatusOK, out)
}

type apiSearchHit struct {
	apiTicketSummary
	Score   float64 `json:"score"`
	Snippet string  `json:"snippet"`
}

func (s *Server) apiSearchTickets(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	f, cur, limit, err := apiPage(r.URL.Query(), relevance)
	if err != nil {
		return err
	}
	text := f.Text
	f.Text = ""
	page, err := s.svc.SearchTickets(r.Context(), c.by, helpdesk.SearchQuery{Text: text, Filter: f, Cursor: cur, Limit: limit})
	if err != nil {
		return err
	}
	out := apiList[apiSearchHit]{Data: []apiSearchHit{}, NextCursor: page.Next.String()}
	for _, h := range page.Hits {
		out.Data = append(out.Data, apiSearchHit{apiTicketSummary: toAPISummary(h.Ticket), Score: h.Score, Snippet: h.Snippet})
	}
	return apiJSON(w, http.StatusOK, out)
}
