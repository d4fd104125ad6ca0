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

// apiUpdateTicket applies a PATCH as the console's workspace form does:
// every member in one domain call (Service.Update), checked against
// If-Match, saved as one update with one new version. Members are parsed
// before anything changes, so malformed input changes nothing; a rule the
// domain refuses changes nothing either (the answer names it, and the
// ticket's current version is in the problem's ETag).
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
	changes, err := s.patchChanges(r, c, in)
	if err != nil {
		return err
	}
	if _, err := s.svc.Update(ctx, c.by, helpdesk.TicketVersion{Number: n, Version: version}, changes); err != nil {
		return err
	}
	return s.answerTicket(w, r, c, http.StatusOK, n)
}

// patchChanges parses a PATCH into the domain's update; every value is
// checked for its type here, every rule is the domain's.
func (s *Server) patchChanges(r *http.Request, c *apiCall, in apiTicketPatch) (helpdesk.TicketChanges, error) {
	var out helpdesk.TicketChanges
	var v helpdesk.ValidationError
	if in.CategoryID != nil {
		id := helpdesk.CategoryID(*in.CategoryID)
		out.Category = &id
	}
	if in.Priority != nil {
		p, err := helpdesk.ParsePriority(*in.Priority)
		if err != nil {
			v.Add("priority", "error.invalid")
		}
		out.Priority = &p
	}
	if in.Urgency != nil {
		u, err := helpdesk.ParseUrgency(*in.Urgency)
		if err != nil {
			v.Add("urgency", "error.invalid")
		}
		out.Urgency = &u
	}
	if in.Impact != nil {
		i, err := helpdesk.ParseImpact(*in.Impact)
		if err != nil {
			v.Add("impact", "error.invalid")
		}
		out.Impact = &i
	}
	if in.GroupID != nil {
		g := helpdesk.GroupID(*in.GroupID)
		out.Group = &g
	}
	if in.AssigneeID != nil {
		u := helpdesk.UserID(*in.AssigneeID)
		out.Assignee = &u
	}
	if len(in.CustomFields) > 0 {
		fields, err := s.customFields(r, c, in.CustomFields)
		var ve *helpdesk.ValidationError
		switch {
		case errors.As(err, &ve):
			mergeInvalid(&v, err)
		case err != nil:
			return out, err
		}
		out.Fields = fields
	}
	out.Tags, out.AddTags = in.Tags, in.AddTags
	if in.Status != nil {
		st, err := helpdesk.ParseStatus(*in.Status)
		if err != nil {
			v.Add("status", "error.invalid")
		}
		out.Status = &st
	}
	return out, v.Err()
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

// apiSearchList is a page of hits; Bounded says the words matched more
// documents than a search ranks (see helpdesk.SearchPage.Bounded).
type apiSearchList struct {
	apiList[apiSearchHit]
	Bounded bool `json:"bounded"`
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
	out := apiSearchList{apiList: apiList[apiSearchHit]{Data: []apiSearchHit{}, NextCursor: page.Next.String()}, Bounded: page.Bounded}
	for _, h := range page.Hits {
		out.Data = append(out.Data, apiSearchHit{apiTicketSummary: toAPISummary(h.Ticket), Score: h.Score, Snippet: h.Snippet})
	}
	return apiJSON(w, http.StatusOK, out)
}
