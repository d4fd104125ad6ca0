package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/console"
)

func (s *Server) consoleKBRevisions(w http.ResponseWriter, r *http.Request) error {
	t, l, by := tenantFrom(r), s.lang(r), agent(r).Actor()
	id, err := kbID(r)
	if err != nil {
		return err
	}
	a, _, err := s.svc.KBEditArticle(r.Context(), by, id)
	if err != nil {
		return err
	}
	revs, err := s.svc.KBRevisions(r.Context(), by, id)
	if err != nil {
		return err
	}
	f, err := s.consoleFrame(r, l.T("kb.revisions.title", a.Title), "")
	if err != nil {
		return err
	}
	vm := console.KBRevisions{Frame: f, Title: l.T("kb.revisions.title", a.Title), BackURL: kbArticlePath(t, id, ""),
		DiffURL: kbArticlePath(t, id, "/revisions")}
	for _, rv := range revs {
		n := strconv.Itoa(rv.Number)
		vm.Rows = append(vm.Rows, console.KBRevisionRow{Number: n, Author: rv.AuthorName, At: formatTime(l, tenantLocation(t), rv.CreatedAt),
			Title: rv.Title, State: kbStateLabel(l, rv.State), RestoreURL: kbArticlePath(t, id, "/revisions/"+n+"/restore")})
	}
	if len(revs) > 1 {
		vm.From, vm.To = strconv.Itoa(revs[1].Number), strconv.Itoa(revs[0].Number)
	}
	from, errA := strconv.Atoi(r.URL.Query().Get("from"))
	to, errB := strconv.Atoi(r.URL.Query().Get("to"))
	if errA == nil && errB == nil {
		diff, err := s.svc.KBDiff(r.Context(), by, id, from, to)
		if err != nil {
			return err
		}
		vm.From, vm.To = strconv.Itoa(from), strconv.Itoa(to)
		for _, d := range diff {
			op := "same"
			switch d.Op {
			case helpdesk.DiffAdded:
				op = "added"
			case helpdesk.DiffRemoved:
				op = "removed"
			}
			vm.Diff = append(vm.Diff, console.KBDiffLine{Op: op, Text: d.Text})
		}
	}
	return s.render(w, r, http.StatusOK, console.KBRevisionsPage(vm))
}

func (s *Server) consoleKBRestore(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	id, err := kbID(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(chi.URLParam(r, "rev"))
	if err != nil || n <= 0 {
		return errNotFound
	}
	if _, err := s.svc.RestoreKBRevision(r.Context(), agent(r).Actor(), id, n); err != nil {
		return err
	}
	s.flash(r.Context(), "success", l.T("kb.revisions.restored", n))
	http.Redirect(w, r, kbArticlePath(t, id, ""), http.StatusSeeOther)
	return nil
}

// consoleKBSearch finds articles for a reply: a fragment for htmx, or the
// results in a page of their own without JavaScript. Agents find internal
// articles too; those offer their text, never a link a customer could not
// open.
func (s *Server) consoleKBSearch(w http.ResponseWriter, r *http.Request) error {
	t, l, by := tenantFrom(r), s.lang(r), agent(r).Actor()
	q := helpdesk.CleanLine(r.URL.Query().Get("q"))
	hits, err := s.svc.SearchHelp(r.Context(), by, q, l.String(), helpdesk.KBFromConsole)
	if err != nil {
		return err
	}
	res := console.KBResults{L: l.T, Query: q}
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	for _, h := range hits {
		a := h.Article
		out := console.KBResult{Title: a.Title, EditURL: kbArticlePath(t, a.ID, ""), Audience: kbAudienceLabel(l, a.Audience)}
		// An internal article is for reading: its text must not reach a
		// public reply by a click, and its link would not open for the
		// customer.
		if a.Audience != helpdesk.KBInternal {
			out.Link = base + helpArticleURL(t, a)
			out.Text = a.Body
		}
		for _, p := range snippetParts(h.Snippet) {
			out.Snippet = append(out.Snippet, console.KBSnippetPart{Text: p.Text, Mark: p.Mark})
		}
		res.Results = append(res.Results, out)
	}
	if r.Header.Get("HX-Request") == "true" {
		return s.render(w, r, http.StatusOK, console.KBResultsView(res))
	}
	f, err := s.consoleFrame(r, l.T("kb.panel.title"), "")
	if err != nil {
		return err
	}
	panel := console.KBPanel{SearchURL: kbPath(t, "/search"), Query: q, Results: &res}
	return s.render(w, r, http.StatusOK, console.KBSearchPage(f, panel))
}

// consoleKBFromTicket turns a solved ticket into a draft article and opens
// it in the editor.
func (s *Server) consoleKBFromTicket(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	n, err := ticketNumber(r)
	if err != nil {
		return err
	}
	a, err := s.svc.KBDraftFromTicket(r.Context(), agent(r).Actor(), n, 0)
	if errs, ok := fieldErrors(l, err); ok {
		for _, msg := range errs {
			s.flash(r.Context(), "error", msg)
		}
		http.Redirect(w, r, tenantPath(t, "/agent/tickets/"+strconv.FormatInt(int64(n), 10)), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.flash(r.Context(), "success", l.T("kb.from_ticket.done"))
	http.Redirect(w, r, kbArticlePath(t, a.ID, ""), http.StatusSeeOther)
	return nil
}
