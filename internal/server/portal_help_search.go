package server

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/portal"
)

func (s *Server) helpSearch(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	q := helpdesk.CleanLine(r.URL.Query().Get("q"))
	hits, err := s.svc.SearchHelp(r.Context(), helpActor(r), q, l.String(), helpdesk.KBFromHelp)
	if err != nil {
		return err
	}
	c := s.chrome(r, l.T("kb.search.title"))
	vm := portal.HelpSearch{
		Chrome: c, SearchURL: tenantPath(t, "/help/search"), Query: q,
		Crumbs:    []portal.HelpLink{{URL: tenantPath(t, "/help"), Title: l.T("kb.home.title")}},
		Hits:      helpHits(t, hits, ""),
		NewTicket: helpNewTicketURL(t, q),
	}
	return s.render(w, r, http.StatusOK, portal.HelpSearchPage(vm))
}

// helpHits turns search results into links; from is the new-ticket form
// key that suggestions carry (empty elsewhere).
func helpHits(t helpdesk.Tenant, hits []helpdesk.KBHit, from string) []portal.HelpHit {
	out := make([]portal.HelpHit, 0, len(hits))
	for _, h := range hits {
		u := helpArticleURL(t, h.Article)
		if from != "" {
			u += "?from=" + url.QueryEscape(from)
		}
		out = append(out, portal.HelpHit{URL: u, Title: h.Article.Title, Lang: h.Article.Locale, Snippet: snippetParts(h.Snippet)})
	}
	return out
}

// snippetParts splits a snippet at the store's markers. The text stays
// text: the view escapes it and wraps marked parts in <mark>.
func snippetParts(s string) []portal.SnippetPart {
	var out []portal.SnippetPart
	for s != "" {
		i := strings.Index(s, helpdesk.KBMarkStart)
		if i < 0 {
			out = append(out, portal.SnippetPart{Text: s})
			break
		}
		if i > 0 {
			out = append(out, portal.SnippetPart{Text: s[:i]})
		}
		s = s[i+len(helpdesk.KBMarkStart):]
		j := strings.Index(s, helpdesk.KBMarkStop)
		if j < 0 {
			out = append(out, portal.SnippetPart{Text: s, Mark: true})
			break
		}
		out = append(out, portal.SnippetPart{Text: s[:j], Mark: true})
		s = s[j+len(helpdesk.KBMarkStop):]
	}
	return out
}

// helpSuggest is the htmx fragment beside a new ticket's subject.
func (s *Server) helpSuggest(w http.ResponseWriter, r *http.Request) error {
	vm, err := s.helpSuggestions(r, r.URL.Query().Get("key"), r.URL.Query().Get("subject"))
	if err != nil {
		return err
	}
	if vm == nil {
		return errNotFound
	}
	return s.render(w, r, http.StatusOK, portal.HelpSuggest(*vm))
}

// helpSuggestions are the new-ticket form's suggestions for subject; nil
// when the help centre is off. Without a subject (or JavaScript) they are
// a link to the help centre.
func (s *Server) helpSuggestions(r *http.Request, key, subject string) (*portal.HelpSuggestions, error) {
	t, l := tenantFrom(r), s.lang(r)
	on, err := s.svc.HelpCentreOn(r.Context(), t.ID)
	if err != nil || !on {
		return nil, err
	}
	hits, err := s.svc.SearchHelp(r.Context(), helpActor(r), subject, l.String(), helpdesk.KBFromSuggest)
	if err != nil {
		return nil, err
	}
	if !validFormKey(key) {
		key = ""
	}
	return &portal.HelpSuggestions{
		Chrome: s.chrome(r, ""), HelpURL: tenantPath(t, "/help"),
		Hits: helpHits(t, hits, key), SuggestURL: tenantPath(t, "/help/suggest"),
	}, nil
}

// helpImage serves an image of an article the visitor may read, like an
// attachment: inline only for raster images, never SVG or HTML.
func (s *Server) helpImage(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	img, data, err := s.svc.KBImage(r.Context(), helpActor(r), helpdesk.KBImageID(id))
	if err != nil {
		return err
	}
	writeAttachment(w, r, helpdesk.AttachmentContent{
		Attachment: helpdesk.Attachment{Filename: img.Filename, ContentType: img.ContentType, Size: img.Size},
		Data:       data,
	})
	return nil
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

// helpSitemap lists the help centre's public pages for search engines.
func (s *Server) helpSitemap(w http.ResponseWriter, r *http.Request) error {
	t := tenantFrom(r)
	cats, arts, err := s.svc.HelpSitemap(r.Context(), t.ID)
	if err != nil {
		return err
	}
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	set := sitemapSet{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	set.URLs = append(set.URLs, sitemapURL{Loc: base + tenantPath(t, "/help")})
	for _, c := range cats {
		set.URLs = append(set.URLs, sitemapURL{Loc: base + helpCategoryURL(t, c)})
		for _, sec := range c.Sections {
			set.URLs = append(set.URLs, sitemapURL{Loc: base + helpSectionURL(t, sec)})
		}
	}
	for _, a := range arts {
		set.URLs = append(set.URLs, sitemapURL{Loc: base + helpArticleURL(t, a), LastMod: a.UpdatedAt.UTC().Format("2006-01-02")})
	}
	out, err := xml.MarshalIndent(set, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, err = w.Write(append([]byte(xml.Header), out...))
	return err
}

// helpLangName names a language in l ("inglés").
func helpLangName(l i18n.Lang, code string) string {
	if code == "en" {
		return l.T("kb.lang.en")
	}
	return l.T("kb.lang.es")
}

// prefillSubject is the subject the help centre's "open a ticket" link
// carries, cleaned and bounded.
func prefillSubject(r *http.Request) string {
	return truncate(helpdesk.CleanLine(r.URL.Query().Get("subject")), helpdesk.MaxSubjectLen)
}

// helpFormSubmitted records that a new-ticket form was submitted, so the
// suggestions it opened do not count as deflections. A failure here must
// not stop the ticket: it is logged and the submission goes on.
func (s *Server) helpFormSubmitted(ctx context.Context, tenant helpdesk.TenantID, key string) {
	if key == "" {
		return
	}
	if err := s.svc.KBFormSubmitted(ctx, tenant, key); err != nil {
		s.log.WarnContext(ctx, "kb: mark form submitted", "err", err)
	}
}
