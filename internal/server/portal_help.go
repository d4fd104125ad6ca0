package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/layout"
	"github.com/atiende/atiende/web/portal"
)

// The help centre (/{tenant}/help…): readable by anyone, scoped by who
// reads (a guest public articles, a signed-in customer customers-only
// ones too; internal articles never show here). Paths are canonical with
// the object's id and slug; an outdated slug redirects to the current one.
func (s *Server) portalHelpRoutes(r chi.Router) {
	r.Get("/help", s.h(s.helpHome))
	r.Get("/help/search", s.h(s.helpSearch))
	r.Get("/help/suggest", s.h(s.helpSuggest))
	r.Get("/help/categories/{ref}", s.h(s.helpCategory))
	r.Get("/help/sections/{ref}", s.h(s.helpSection))
	r.Get("/help/articles/{ref}", s.h(s.helpArticle))
	r.Post("/help/articles/{ref}/vote", s.h(s.helpVote))
	r.Get("/help/images/{id}", s.h(s.helpImage))
	r.Get("/sitemap.xml", s.h(s.helpSitemap))
}

// helpActor is who reads the help centre: the signed-in user, or a guest
// of the tenant.
func helpActor(r *http.Request) helpdesk.Actor {
	if u, ok := userFrom(r); ok {
		return u.Actor()
	}
	return helpdesk.Actor{Kind: helpdesk.ActorGuest, Tenant: tenantFrom(r).ID}
}

func helpArticleURL(t helpdesk.Tenant, a helpdesk.KBArticle) string {
	return tenantPath(t, "/help/articles/"+strconv.FormatInt(int64(a.ID), 10)+"-"+a.Slug)
}

func helpCategoryURL(t helpdesk.Tenant, c helpdesk.KBCategory) string {
	return tenantPath(t, "/help/categories/"+strconv.FormatInt(int64(c.ID), 10)+"-"+c.Slug)
}

func helpSectionURL(t helpdesk.Tenant, sec helpdesk.KBSection) string {
	return tenantPath(t, "/help/sections/"+strconv.FormatInt(int64(sec.ID), 10)+"-"+sec.Slug)
}

// helpNewTicketURL opens a ticket with the subject filled in.
func helpNewTicketURL(t helpdesk.Tenant, subject string) string {
	p := tenantPath(t, "/tickets/new")
	if subject != "" {
		p += "?subject=" + url.QueryEscape(subject)
	}
	return p
}

// helpRef reads "{id}-{slug}" (or a bare id); anything else is not found.
func helpRef(r *http.Request) (int64, string, error) {
	ref := chi.URLParam(r, "ref")
	idText, slug, _ := strings.Cut(ref, "-")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return 0, "", errNotFound
	}
	return id, slug, nil
}

// canonical redirects to want when the path's slug is not the current
// one, keeping the query; it reports whether it did.
func canonical(w http.ResponseWriter, r *http.Request, slug, want, current string) bool {
	if slug == current {
		return false
	}
	if r.URL.RawQuery != "" {
		want += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, want, http.StatusMovedPermanently)
	return true
}

// helpChrome is the chrome of an indexable help centre page.
func (s *Server) helpChrome(r *http.Request, title, description, path string) layout.Chrome {
	c := s.chrome(r, title)
	c.Description = truncate(description, 160)
	if path != "" {
		c.Canonical = strings.TrimRight(s.cfg.BaseURL, "/") + path
	}
	return c
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func (s *Server) helpHome(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	home, err := s.svc.HelpCentre(r.Context(), helpActor(r), l.String())
	if err != nil {
		return err
	}
	vm := portal.HelpHome{
		Chrome:    s.helpChrome(r, l.T("kb.home.title"), l.T("kb.home.description", t.Name), tenantPath(t, "/help")),
		SearchURL: tenantPath(t, "/help/search"), NewTicket: helpNewTicketURL(t, ""),
	}
	for _, c := range home.Categories {
		card := portal.HelpCategoryCard{URL: helpCategoryURL(t, c), Name: c.Label(l.String()), Description: c.About(l.String())}
		for _, sec := range c.Sections {
			card.Sections = append(card.Sections, portal.HelpLink{URL: helpSectionURL(t, sec), Title: sec.Label(l.String())})
		}
		vm.Categories = append(vm.Categories, card)
	}
	vm.Popular = helpLinks(t, l, home.Popular)
	return s.render(w, r, http.StatusOK, portal.HelpHomePage(vm))
}

func helpLinks(t helpdesk.Tenant, l i18n.Lang, arts []helpdesk.KBArticle) []portal.HelpLink {
	out := make([]portal.HelpLink, 0, len(arts))
	for _, a := range arts {
		link := portal.HelpLink{URL: helpArticleURL(t, a), Title: a.Title, Summary: a.Summary}
		if a.Locale != l.String() {
			link.Lang = a.Locale
		}
		out = append(out, link)
	}
	return out
}

func (s *Server) helpCategory(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	id, slug, err := helpRef(r)
	if err != nil {
		return err
	}
	cat, arts, err := s.svc.HelpCategory(r.Context(), helpActor(r), helpdesk.KBCategoryID(id), l.String())
	if err != nil {
		return err
	}
	if canonical(w, r, slug, helpCategoryURL(t, cat), cat.Slug) {
		return nil
	}
	vm := portal.HelpList{
		Chrome:    s.helpChrome(r, cat.Label(l.String()), cat.About(l.String()), helpCategoryURL(t, cat)),
		SearchURL: tenantPath(t, "/help/search"), NewTicket: helpNewTicketURL(t, ""),
		Crumbs: []portal.HelpLink{{URL: tenantPath(t, "/help"), Title: l.T("kb.home.title")}},
		Title:  cat.Label(l.String()), Description: cat.About(l.String()),
	}
	for _, sec := range cat.Sections {
		g := portal.HelpGroup{Title: sec.Label(l.String()), URL: helpSectionURL(t, sec)}
		for _, a := range arts {
			if a.Section == sec.ID {
				g.Articles = append(g.Articles, helpLinks(t, l, []helpdesk.KBArticle{a})...)
			}
		}
		vm.Groups = append(vm.Groups, g)
	}
	return s.render(w, r, http.StatusOK, portal.HelpListPage(vm))
}

func (s *Server) helpSection(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	id, slug, err := helpRef(r)
	if err != nil {
		return err
	}
	cat, sec, arts, err := s.svc.HelpSection(r.Context(), helpActor(r), helpdesk.KBSectionID(id), l.String())
	if err != nil {
		return err
	}
	if canonical(w, r, slug, helpSectionURL(t, sec), sec.Slug) {
		return nil
	}
	vm := portal.HelpList{
		Chrome:    s.helpChrome(r, sec.Label(l.String()), cat.About(l.String()), helpSectionURL(t, sec)),
		SearchURL: tenantPath(t, "/help/search"), NewTicket: helpNewTicketURL(t, ""),
		Crumbs: []portal.HelpLink{
			{URL: tenantPath(t, "/help"), Title: l.T("kb.home.title")},
			{URL: helpCategoryURL(t, cat), Title: cat.Label(l.String())},
		},
		Title:  sec.Label(l.String()),
		Groups: []portal.HelpGroup{{Articles: helpLinks(t, l, arts)}},
	}
	return s.render(w, r, http.StatusOK, portal.HelpListPage(vm))
}

func (s *Server) helpArticle(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	id, slug, err := helpRef(r)
	if err != nil {
		return err
	}
	by := helpActor(r)
	p, err := s.svc.HelpArticle(r.Context(), by, helpdesk.KBArticleID(id), l.String())
	if err != nil {
		return err
	}
	a := p.Article
	if canonical(w, r, slug, helpArticleURL(t, a), a.Slug) {
		return nil
	}
	// Opened from a new ticket's suggestions: counts towards deflection
	// unless that form is submitted after all.
	if key := r.URL.Query().Get("from"); validFormKey(key) {
		if err := s.svc.OpenedSuggestion(r.Context(), by, key, a.ID); err != nil {
			return err
		}
	}
	vm := portal.HelpArticle{
		Chrome:    s.helpChrome(r, a.Title, firstNonEmpty(a.Summary, a.Text), helpArticleURL(t, a)),
		SearchURL: tenantPath(t, "/help/search"),
		Crumbs: []portal.HelpLink{
			{URL: tenantPath(t, "/help"), Title: l.T("kb.home.title")},
			{URL: helpCategoryURL(t, p.Category), Title: p.Category.Label(l.String())},
			{URL: helpSectionURL(t, p.Section), Title: p.Section.Label(l.String())},
		},
		Title: a.Title, Summary: a.Summary, Lang: a.Locale, HTML: a.HTML, Tags: a.Tags,
		Updated:   l.T("kb.article.updated", formatTime(l, tenantLocation(t), a.UpdatedAt)),
		Related:   helpLinks(t, l, p.Related),
		VoteURL:   helpArticleURL(t, a) + "/vote",
		VoteKey:   newFormKey(),
		Voted:     r.URL.Query().Get("voted"),
		NewTicket: helpNewTicketURL(t, a.Title),
	}
	if vm.Voted != "yes" && vm.Voted != "no" {
		vm.Voted = ""
	}
	if p.Fallback {
		vm.FallbackNote = l.T("kb.article.fallback", helpLangName(l, a.Locale))
	}
	for _, tr := range p.Translations {
		vm.Translations = append(vm.Translations, portal.HelpLink{URL: helpArticleURL(t, tr), Title: i18n.Lang(tr.Locale).Name(), Lang: tr.Locale})
	}
	return s.render(w, r, http.StatusOK, portal.HelpArticlePage(vm))
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// helpVote records a vote (and its optional comment), then returns to the
// article, which thanks the visitor.
func (s *Server) helpVote(w http.ResponseWriter, r *http.Request) error {
	t := tenantFrom(r)
	id, _, err := helpRef(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	helpful := r.PostFormValue("helpful")
	if helpful != "yes" && helpful != "no" {
		return errNotFound
	}
	by := helpActor(r)
	key := r.PostFormValue("key")
	if !validFormKey(key) {
		return errNotFound
	}
	if err := s.svc.VoteKB(r.Context(), by, helpdesk.KBArticleID(id), key, helpful == "yes", r.PostFormValue("comment")); err != nil {
		return err
	}
	http.Redirect(w, r, tenantPath(t, "/help/articles/"+strconv.FormatInt(id, 10))+"?voted="+helpful+"#feedback", http.StatusSeeOther)
	return nil
}
