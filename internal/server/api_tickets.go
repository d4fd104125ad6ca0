package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

func (s *Server) apiTicketRoutes(r chi.Router) {
	r.Get("/tickets", s.api(helpdesk.ScopeTicketsRead, s.apiListTickets))
	r.With(s.apiUploads).Post("/tickets", s.apiKeyed(helpdesk.ScopeTicketsWrite, s.apiCreateTicket))
	r.Get("/tickets/search", s.api(helpdesk.ScopeTicketsRead, s.apiSearchTickets))
	r.Get("/tickets/{number}", s.api(helpdesk.ScopeTicketsRead, s.apiGetTicket))
	r.Patch("/tickets/{number}", s.api(helpdesk.ScopeTicketsWrite, s.apiUpdateTicket))
	r.Post("/tickets/{number}/merge", s.api(helpdesk.ScopeTicketsWrite, s.apiMergeTicket))
	r.Post("/tickets/{number}/links", s.api(helpdesk.ScopeTicketsWrite, s.apiLinkTicket))
	r.Get("/tickets/{number}/comments", s.api(helpdesk.ScopeTicketsRead, s.apiListComments))
	r.With(s.apiUploads).Post("/tickets/{number}/comments", s.api(helpdesk.ScopeTicketsWrite, s.apiAddComment))
}

// apiTicketIn is the body of POST /tickets.
type apiTicketIn struct {
	Subject     string `json:"subject"`
	Description string `json:"description"`
	Channel     string `json:"channel"`
	Requester   struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
		Name  string `json:"name"`
	} `json:"requester"`
	CategoryID   int64                      `json:"category_id"`
	Priority     string                     `json:"priority"`
	Urgency      string                     `json:"urgency"`
	Impact       string                     `json:"impact"`
	Tags         []string                   `json:"tags"`
	CustomFields map[string]json.RawMessage `json:"custom_fields"`
	Phone        *struct {
		CallerNumber    string     `json:"caller_number"`
		CallStart       *time.Time `json:"call_start"`
		DurationSeconds *int       `json:"duration_seconds"`
		AgentID         int64      `json:"agent_id"`
	} `json:"phone"`
}

func apiNumber(r *http.Request) (helpdesk.TicketNumber, error) {
	n, err := helpdesk.ParseTicketNumber(chi.URLParam(r, "number"))
	if err != nil {
		return 0, helpdesk.ErrNotFound
	}
	return n, nil
}

// apiTicketJSON reads the ticket number of the path and the JSON body
// into v.
func apiTicketJSON(r *http.Request, v any) (helpdesk.TicketNumber, error) {
	n, err := apiNumber(r)
	if err != nil {
		return 0, err
	}
	return n, decodeJSON(r, v)
}

// basedOn is the version of ticket n an additive change (a comment, a
// merge, a link) is based on: If-Match's when sent, so a stale one is
// refused; without it the change lands on the current version.
func basedOn(r *http.Request, n helpdesk.TicketNumber) (helpdesk.TicketVersion, error) {
	at := helpdesk.TicketVersion{Number: n}
	if r.Header.Get("If-Match") == "" {
		return at, nil
	}
	v, err := ifMatch(r)
	at.Version = v
	return at, err
}

// customFields turns {"key": value} into values by field id. Values may be
// JSON strings, numbers or booleans; the domain parses them as the forms'
// text. An unknown key is a field error.
func (s *Server) customFields(r *http.Request, c *apiCall, in map[string]json.RawMessage) (map[helpdesk.CustomFieldID]string, error) {
	if len(in) == 0 {
		return nil, nil
	}
	defs, err := s.svc.TicketFields(r.Context(), c.by)
	if err != nil {
		return nil, err
	}
	out := map[helpdesk.CustomFieldID]string{}
	var v helpdesk.ValidationError
	for key, raw := range in {
		i := slices.IndexFunc(defs, func(d helpdesk.CustomFieldDef) bool { return d.Key == key })
		if i < 0 {
			v.Add("custom_fields."+key, "error.invalid")
			continue
		}
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			var other any
			if json.Unmarshal(raw, &other) != nil {
				v.Add("custom_fields."+key, "error.invalid")
				continue
			}
			switch x := other.(type) {
			case nil:
				text = ""
			case []any:
				parts := make([]string, 0, len(x))
				for _, p := range x {
					ps, _ := p.(string)
					parts = append(parts, ps)
				}
				text = strings.Join(parts, helpdesk.MultiSelectSeparator)
			default:
				text = strings.Trim(string(raw), `"`)
			}
		}
		out[defs[i].ID] = text
	}
	return out, v.Err()
}

// apiCreateTicket opens a ticket. With an Idempotency-Key, the key's
// claim, the ticket and the answer kept for retries commit together (see
// helpdesk.Service.OpenAPITicketOnce); the work runs to its end even if
// the client gives up, so its retry gets the answer.
func (s *Server) apiCreateTicket(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	keepDeskCaches(r)
	var claim *helpdesk.APIClaim
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		fp, err := fingerprint(r)
		if err != nil {
			return err
		}
		claim = &helpdesk.APIClaim{Token: c.token.ID, Key: key, Fingerprint: fp}
	}
	api, err := s.apiTicketInput(r, c)
	if err != nil {
		return err
	}
	if claim == nil {
		t, err := s.svc.OpenAPITicket(r.Context(), c.by, api)
		if err != nil {
			return err
		}
		return s.answerTicket(w, r, c, http.StatusCreated, t.Number)
	}
	var version int
	answer := func(v helpdesk.CreatedAPITicket) (helpdesk.StoredResponse, error) {
		out := apiTicketOf(v.Ticket, v.Fields, v.Call)
		version = out.Version
		body, err := json.Marshal(out)
		return helpdesk.StoredResponse{Status: http.StatusCreated, ContentType: "application/json",
			Location: tenantPath(c.tenant, "/api/v1/tickets/"+strconv.FormatInt(int64(v.Ticket.Number), 10)),
			Body:     append(body, '\n')}, err
	}
	stored, replay, err := s.svc.OpenAPITicketOnce(context.WithoutCancel(r.Context()), c.by, *claim, api, answer)
	if err != nil {
		return err
	}
	if !replay {
		w.Header().Set("ETag", etag(version))
	}
	writeStored(w, stored, replay)
	return nil
}

// apiTicketInput reads and checks the body of POST /tickets.
func (s *Server) apiTicketInput(r *http.Request, c *apiCall) (helpdesk.APITicketInput, error) {
	var in apiTicketIn
	files, err := decodeAPIBody(r, &in)
	if err != nil {
		return helpdesk.APITicketInput{}, err
	}
	var v helpdesk.ValidationError
	nt := helpdesk.NewTicket{Subject: in.Subject, Description: in.Description, Channel: helpdesk.ChannelAPI,
		Category: helpdesk.CategoryID(in.CategoryID), Priority: helpdesk.Priority(in.Priority),
		Urgency: helpdesk.Urgency(in.Urgency), Impact: helpdesk.Impact(in.Impact), Tags: in.Tags, Attachments: files}
	switch {
	case in.Channel != "":
		ch, err := helpdesk.ParseChannel(in.Channel)
		if err != nil {
			v.Add("channel", "error.invalid")
		}
		nt.Channel = ch
	case in.Phone != nil:
		nt.Channel = helpdesk.ChannelPhone // a call is a phone ticket
	}
	fields, err := s.customFields(r, c, in.CustomFields)
	var ve *helpdesk.ValidationError
	switch {
	case errors.As(err, &ve):
		mergeInvalid(&v, err)
	case err != nil:
		return helpdesk.APITicketInput{}, err
	}
	nt.Fields = fields
	api := helpdesk.APITicketInput{Ticket: nt, RequesterID: helpdesk.UserID(in.Requester.ID),
		RequesterEmail: in.Requester.Email, RequesterName: in.Requester.Name}
	if p := in.Phone; p != nil {
		call := &helpdesk.PhoneCall{CallerNumber: p.CallerNumber, Agent: helpdesk.UserID(p.AgentID), Duration: -1}
		if p.CallStart != nil {
			call.StartedAt = *p.CallStart
		}
		if p.DurationSeconds != nil {
			if *p.DurationSeconds < 0 {
				v.Add("phone.duration_seconds", "error.invalid")
			}
			call.Duration = time.Duration(*p.DurationSeconds) * time.Second
		}
		api.Call = call
	}
	return api, v.Err()
}

// answerTicket answers the ticket as GET /tickets/{number} shows it.
func (s *Server) answerTicket(w http.ResponseWriter, r *http.Request, c *apiCall, status int, n helpdesk.TicketNumber) error {
	out, err := s.apiTicketView(r, c, n, false)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(out.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", tenantPath(c.tenant, "/api/v1/tickets/"+strconv.FormatInt(int64(n), 10)))
	}
	return apiJSON(w, status, out)
}

// apiTicketOf is a ticket as the API shows it, without its timeline.
func apiTicketOf(t helpdesk.Ticket, defs []helpdesk.CustomFieldDef, call *helpdesk.PhoneCall) apiTicket {
	out := toAPITicket(t, defs)
	if call != nil {
		out.Phone = toAPIPhone(*call)
	}
	return out
}

// apiTicketView reads a ticket with its phone call and, when full, its
// comments, events and SLA clocks.
func (s *Server) apiTicketView(r *http.Request, c *apiCall, n helpdesk.TicketNumber, full bool) (apiTicket, error) {
	ctx := r.Context()
	t, err := s.svc.Ticket(ctx, c.by, n)
	if err != nil {
		return apiTicket{}, err
	}
	defs, err := s.svc.TicketFields(ctx, c.by)
	if err != nil {
		return apiTicket{}, err
	}
	call, ok, err := s.svc.TicketCall(ctx, c.by, n)
	if err != nil {
		return apiTicket{}, err
	}
	var pc *helpdesk.PhoneCall
	if ok {
		pc = &call
	}
	out := apiTicketOf(t, defs, pc)
	if !full {
		return out, nil
	}
	entries, err := s.svc.Timeline(ctx, c.by, n)
	if err != nil {
		return apiTicket{}, err
	}
	out.Comments, out.Events = []apiComment{}, []apiEvent{}
	for _, e := range entries {
		switch {
		case e.Comment != nil:
			out.Comments = append(out.Comments, toAPIComment(*e.Comment))
		case e.Event != nil:
			out.Events = append(out.Events, toAPIEvent(*e.Event))
		}
	}
	sla, err := s.svc.TicketSLA(ctx, c.by, n)
	if err != nil {
		return apiTicket{}, err
	}
	out.SLA = toAPISLA(sla)
	if out.SLA == nil {
		out.SLA = []apiSLAClock{}
	}
	return out, nil
}

func (s *Server) apiGetTicket(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	n, err := apiNumber(r)
	if err != nil {
		return err
	}
	out, err := s.apiTicketView(r, c, n, true)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(out.Version))
	return apiJSON(w, http.StatusOK, out)
}

func (s *Server) apiListComments(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	n, err := apiNumber(r)
	if err != nil {
		return err
	}
	entries, err := s.svc.Timeline(r.Context(), c.by, n)
	if err != nil {
		return err
	}
	out := apiList[apiComment]{Data: []apiComment{}}
	for _, e := range entries {
		if e.Comment != nil {
			out.Data = append(out.Data, toAPIComment(*e.Comment))
		}
	}
	return apiJSON(w, http.StatusOK, out)
}

// apiCommentIn is the body of POST /tickets/{number}/comments.
type apiCommentIn struct {
	Body    string `json:"body"`
	Public  *bool  `json:"public"`
	Status  string `json:"status"`
	Channel string `json:"channel"`
	// AsRequester relays the requester's own message (a chatbot or a
	// messaging app speaking for the customer): the reply is theirs, with
	// the lifecycle rules of a requester's reply.
	AsRequester bool `json:"as_requester"`
}

func (s *Server) apiAddComment(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	n, err := apiNumber(r)
	if err != nil {
		return err
	}
	var in apiCommentIn
	files, err := decodeAPIBody(r, &in)
	if err != nil {
		return err
	}
	var v helpdesk.ValidationError
	ch := helpdesk.ChannelAPI
	if in.Channel != "" {
		if ch, err = helpdesk.ParseChannel(in.Channel); err != nil {
			v.Add("channel", "error.invalid")
		}
	}
	if in.Public == nil {
		v.Add("public", "error.required")
	}
	var st helpdesk.Status
	if in.Status != "" {
		if st, err = helpdesk.ParseStatus(in.Status); err != nil {
			v.Add("status", "error.invalid")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	// A comment is additive: without If-Match it lands on the current
	// version, as an email reply does.
	at, err := basedOn(r, n)
	if err != nil {
		return err
	}
	by := c.by
	if in.AsRequester {
		if by, err = s.requesterActor(r, c, n); err != nil {
			return err
		}
	}
	res, err := s.svc.Reply(r.Context(), by, at, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: in.Body, Channel: ch, Attachments: files}, Public: *in.Public, Status: st})
	if err != nil {
		return err
	}
	return s.answerTicket(w, r, c, http.StatusCreated, res.Ticket.Number)
}

// requesterActor is ticket n's requester as the actor of a relayed
// message; a guest requester (no account) cannot be spoken for.
func (s *Server) requesterActor(r *http.Request, c *apiCall, n helpdesk.TicketNumber) (helpdesk.Actor, error) {
	t, err := s.svc.Ticket(r.Context(), c.by, n)
	if err != nil {
		return helpdesk.Actor{}, err
	}
	if t.Requester.IsGuest() {
		return helpdesk.Actor{}, &helpdesk.ValidationError{Fields: map[string]string{"as_requester": "error.invalid"}}
	}
	u, err := s.svc.User(r.Context(), c.tenant.ID, t.Requester.User)
	if err != nil {
		return helpdesk.Actor{}, err
	}
	return u.Actor(), nil
}

func mergeInvalid(v *helpdesk.ValidationError, err error) {
	if ve, ok := err.(*helpdesk.ValidationError); ok {
		for f, k := range ve.Fields {
			v.Add(f, k)
		}
	}
}
