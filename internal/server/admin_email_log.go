package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

// The mail log page (/{tenant}/admin/email): one list of received and sent
// mail, 50 at a time, searched and filtered by the GET form at its top.

// mailLogParams is the filter form as typed, kept to fill the form again
// and to carry the filters into the page links.
type mailLogParams struct {
	text, ticket, direction, state, outcome, after string
}

func readMailLogParams(r *http.Request) mailLogParams {
	q := r.URL.Query()
	return mailLogParams{text: q.Get("q"), ticket: strings.TrimSpace(q.Get("ticket")), direction: q.Get("direction"),
		state: q.Get("state"), outcome: q.Get("outcome"), after: q.Get("after")}
}

// values encodes p's filters with the page cursor after.
func (p mailLogParams) values(after string) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": p.text, "ticket": p.ticket, "direction": p.direction, "state": p.state,
		"outcome": p.outcome, "after": after} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func (p mailLogParams) filtered() bool {
	return p.text != "" || p.ticket != "" || p.direction != "" || p.state != "" || p.outcome != ""
}

// query turns p into the domain's query. A ticket number that does not
// parse is reported on its field, like the domain's own checks.
func (p mailLogParams) query() (helpdesk.MailLogQuery, error) {
	f := helpdesk.MailLogFilter{Text: p.text, Direction: p.direction, State: p.state, Outcome: helpdesk.InboundOutcome(p.outcome)}
	if p.ticket != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(p.ticket, "#"), 10, 64)
		if err != nil || n <= 0 {
			return helpdesk.MailLogQuery{}, &helpdesk.ValidationError{Fields: map[string]string{"ticket": "error.ticket_number"}}
		}
		f.Ticket = helpdesk.TicketNumber(n)
	}
	return helpdesk.MailLogQuery{Filter: f}, nil
}

// adminEmail lists one page of the mail log. A filter value that does not
// parse is a 422 naming it, with the form as typed and no list; a cursor
// that does not parse (forged or mangled) is a 400 saying so, with the
// first page of the same search.
func (s *Server) adminEmail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	p := readMailLogParams(r)
	status, errs := http.StatusOK, map[string]string{}
	var page helpdesk.MailLogPage
	q, err := p.query()
	if err == nil {
		if q.After, err = helpdesk.ParseMailLogCursor(p.after); err != nil {
			status, errs["after"], p.after = http.StatusBadRequest, l.T("admin.email.bad_cursor"), ""
			err = nil
		}
	}
	if err == nil {
		page, err = s.svc.MailLog(ctx, adminActor(r), q)
	}
	if err != nil {
		fe, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		var ve *helpdesk.ValidationError
		if errors.As(err, &ve) {
			status = http.StatusUnprocessableEntity
		}
		for k, v := range fe {
			errs[k] = v
		}
	}
	frame := s.adminFrame(r, l.T("admin.email.title"), "email")
	vm := admin.MailLog{Frame: frame, Title: l.T("admin.email.title"),
		Intro: l.T("admin.email.intro", t.Slug+"@"+s.cfg.InboundDomain), LocalNote: s.cfg.SMTPHost == "", TemplatesURL: templatesPath(t),
		IMAPURL: imapPath(t), Errors: errs, Filtered: p.filtered(), Search: mailSearchForm(l, t, p)}
	if len(errs) == 0 {
		vm.Errors = nil
	}
	for _, e := range page.Entries {
		vm.Rows = append(vm.Rows, mailRow(l, t, e))
	}
	if p.after != "" {
		vm.FirstURL = withQuery(emailPath(t), p.values(""))
	}
	if !page.Next.IsZero() {
		vm.NextURL = withQuery(emailPath(t), p.values(page.Next.String()))
	}
	return s.render(w, r, status, admin.MailLogPage(vm))
}

func mailSearchForm(l i18n.Lang, t helpdesk.Tenant, p mailLogParams) admin.MailSearch {
	f := admin.MailSearch{Action: emailPath(t), ClearURL: emailPath(t), Text: p.text, Ticket: p.ticket}
	opt := func(list *[]admin.Option, value, label, chosen string) {
		*list = append(*list, admin.Option{Value: value, Label: label, Selected: value == chosen})
	}
	opt(&f.Direction, "", l.T("admin.email.search.any"), p.direction)
	opt(&f.Direction, helpdesk.MailDirectionIn, l.T("admin.email.inbound"), p.direction)
	opt(&f.Direction, helpdesk.MailDirectionOut, l.T("admin.email.outbound"), p.direction)
	opt(&f.State, "", l.T("admin.email.search.any"), p.state)
	opt(&f.State, helpdesk.MailStateWaiting, l.T("admin.email.search.waiting"), p.state)
	opt(&f.State, helpdesk.MailStateDone, l.T("admin.email.search.done"), p.state)
	opt(&f.State, helpdesk.MailStateFailed, l.T("admin.email.state.failed"), p.state)
	opt(&f.Outcome, "", l.T("admin.email.search.any"), p.outcome)
	for _, o := range helpdesk.InboundOutcomes() {
		opt(&f.Outcome, string(o), l.T(outcomeFilterKeys[o]), p.outcome)
	}
	return f
}

// mailRow makes one entry display-ready.
func mailRow(l i18n.Lang, t helpdesk.Tenant, e helpdesk.MailLogEntry) admin.MailRow {
	id := strconv.FormatInt(e.ID, 10)
	loc := deskLocation(t)
	row := admin.MailRow{When: formatTime(l, loc, e.At), WhenISO: isoTime(e.At), Address: e.Address, Subject: e.Subject,
		Error: e.LastError}
	if e.Number != 0 {
		row.OutcomeURL = tenantPath(t, "/agent/tickets/"+strconv.FormatInt(int64(e.Number), 10))
	}
	if e.Source.Inbound() {
		m := helpdesk.InboundMail{State: helpdesk.InboundState(e.State), Outcome: e.Outcome, Ticket: e.Number}
		row.TestID, row.In, row.Direction = "mail-in-"+id, true, l.T("admin.email.dir.in")
		row.Outcome, row.Detail = inboundOutcome(l, m), inboundDetail(l, e.Detail)
		if m.State == helpdesk.InboundFailed {
			row.RetryURL, row.RetryID = emailPath(t)+"/in/"+id+"/retry", "mail-in-retry-"+id
		}
		return row
	}
	st := helpdesk.OutboundState(e.State)
	row.Direction, row.Outcome, row.StateKey = l.T("admin.email.dir.out"), mailStateLabel(l, st), e.State
	if e.Attempts > 1 || st == helpdesk.OutboundFailed || (st == helpdesk.OutboundQueued && e.Attempts > 0) {
		row.Attempts = l.N("admin.email.attempts", e.Attempts)
	}
	if e.Source == helpdesk.MailFromAccount {
		row.TestID, row.Kind = "mail-account-"+id, accountMailKindLabel(l, helpdesk.AccountMailKind(e.Kind))
		row.OutcomeURL = ""
		if row.Subject == "" {
			row.Subject = row.Kind
		}
		return row
	}
	row.TestID, row.Kind = "mail-out-"+id, mailKindLabel(l, helpdesk.MailKind(e.Kind))
	if row.Subject == "" {
		row.Subject = "[" + e.Number.String() + "]"
	}
	if e.Rendered {
		row.ViewURL = emailPath(t) + "/out/" + id
	}
	if st == helpdesk.OutboundFailed {
		row.RetryURL, row.RetryID = emailPath(t)+"/out/"+id+"/retry", "mail-out-retry-"+id
	}
	return row
}

func accountMailKindLabel(l i18n.Lang, k helpdesk.AccountMailKind) string {
	if key, ok := accountKindKeys[k]; ok {
		return l.T(key)
	}
	return l.T("admin.email.kind.account")
}

var accountKindKeys = map[helpdesk.AccountMailKind]string{
	helpdesk.AccountMailReset:           "admin.email.kind.account.reset",
	helpdesk.AccountMailClaim:           "admin.email.kind.account.claim",
	helpdesk.AccountMailInvitation:      "admin.email.kind.account.invitation",
	helpdesk.AccountMailNewSignIn:       "admin.email.kind.account.new_signin",
	helpdesk.AccountMailPasswordChanged: "admin.email.kind.account.password_changed",
	helpdesk.AccountMailTwoFactorOff:    "admin.email.kind.account.twofa_off",
}

// outcomeFilterKeys name the outcomes in the filter's list.
var outcomeFilterKeys = map[helpdesk.InboundOutcome]string{
	helpdesk.OutcomeNewTicket:      "admin.email.search.outcome.new_ticket",
	helpdesk.OutcomeReply:          "admin.email.search.outcome.reply",
	helpdesk.OutcomeFollowUp:       "admin.email.search.outcome.follow_up",
	helpdesk.OutcomeDuplicate:      "admin.email.search.outcome.duplicate",
	helpdesk.OutcomeLoopSuppressed: "admin.email.search.outcome.loop_suppressed",
	helpdesk.OutcomeRateLimited:    "admin.email.search.outcome.rate_limited",
	helpdesk.OutcomeBlocked:        "admin.email.search.outcome.blocked",
	helpdesk.OutcomeRejected:       "admin.email.search.outcome.rejected",
}
