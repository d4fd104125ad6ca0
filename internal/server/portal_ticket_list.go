package server

import (
	"net/http"
	"net/url"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/portal"
)

// portalPageSize is how many tickets "My tickets" shows per page.
const portalPageSize = 25

// relevance is the order of search results; search cursors carry it.
var relevance = helpdesk.Sort{Key: helpdesk.SortRelevance, Desc: true}

// portalTickets is "My tickets": the customer's tickets (the domain adds
// their organisation's when it shares them), unsolved ones by default,
// newest activity first, or the results of a search. Pages continue with
// an opaque keyset cursor (?after=); a cursor that does not parse starts
// over at the first page rather than failing.
func (s *Server) portalTickets(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, u, l := tenantFrom(r), customer(r), s.lang(r)
	q := r.URL.Query()
	vm := portal.TicketList{
		Status: q.Get("status"),
		Query:  helpdesk.CleanLine(q.Get("q")),
		Base:   tenantPath(t, "/tickets"),
		NewURL: tenantPath(t, "/tickets/new"),
	}
	switch {
	case vm.Status == portal.FilterOpen, vm.Status == portal.FilterAll:
	case vm.Query != "":
		vm.Status = portal.FilterAll // a search looks in every ticket unless told otherwise
	default:
		vm.Status = portal.FilterOpen
	}
	var f helpdesk.TicketFilter
	if vm.Status == portal.FilterOpen {
		f.Statuses = []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending}
	}
	after := q.Get("after")
	loc := tenantLocation(t)
	var next helpdesk.Cursor
	var err error
	if vm.Query != "" {
		vm.Searching = true
		cur, cerr := helpdesk.ParseCursor(after, relevance)
		if cerr != nil {
			cur = helpdesk.Cursor{}
		}
		var page helpdesk.SearchPage
		page, err = s.svc.SearchTickets(ctx, u.Actor(), helpdesk.SearchQuery{Text: vm.Query, Filter: f, Cursor: cur, Limit: portalPageSize})
		for _, h := range page.Hits {
			row := ticketRow(l, loc, t, h.Ticket)
			row.Snippet = h.Snippet
			vm.Rows = append(vm.Rows, row)
		}
		next = page.Next
	} else {
		cur, cerr := helpdesk.ParseCursor(after, helpdesk.DefaultSort)
		if cerr != nil {
			cur = helpdesk.Cursor{}
		}
		var page helpdesk.TicketPage
		page, err = s.svc.Tickets(ctx, u.Actor(), helpdesk.TicketQuery{Filter: f, Sort: helpdesk.DefaultSort, Cursor: cur, Limit: portalPageSize})
		for _, ts := range page.Tickets {
			vm.Rows = append(vm.Rows, ticketRow(l, loc, t, ts))
		}
		next = page.Next
	}
	status := http.StatusOK
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		// Only the search text can be wrong here (too long, say).
		for _, msg := range errs {
			vm.QueryError = msg
			break
		}
		status = http.StatusUnprocessableEntity
	}
	if after != "" {
		vm.FirstURL = listURL(vm.Base, vm.Status, vm.Query, "")
	}
	if !next.IsZero() {
		vm.NextURL = listURL(vm.Base, vm.Status, vm.Query, next.String())
	}
	vm.OpenURL = listURL(vm.Base, portal.FilterOpen, vm.Query, "")
	vm.AllURL = listURL(vm.Base, portal.FilterAll, vm.Query, "")
	vm.Chrome = s.chrome(r, l.T("portal.tickets.title"))
	return s.render(w, r, status, portal.TicketListPage(vm))
}

// listURL is a page of "My tickets". The status is left out when it is
// the default (open tickets, without a search).
func listURL(base, status, q, after string) string {
	v := url.Values{}
	if status == portal.FilterAll || q != "" {
		v.Set("status", status)
	}
	if q != "" {
		v.Set("q", q)
	}
	if after != "" {
		v.Set("after", after)
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

func ticketRow(l i18n.Lang, loc *time.Location, t helpdesk.Tenant, ts helpdesk.TicketSummary) portal.TicketRow {
	st := ts.Status.ForCustomer() // the domain already did; never show on hold
	return portal.TicketRow{
		Number:     ts.Number.String(),
		URL:        ticketPath(t, ts.Number, ""),
		Subject:    ts.Subject,
		Status:     st.String(),
		Waiting:    st == helpdesk.StatusPending,
		Updated:    formatTime(l, loc, ts.UpdatedAt),
		UpdatedISO: isoTime(ts.UpdatedAt),
	}
}
