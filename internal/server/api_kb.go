package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The knowledge base as an integration reads it (a chatbot answering from
// the articles): published articles only, with every audience the
// token's acting staff member reads in the console.

func (s *Server) apiKBRoutes(r chi.Router) {
	r.Get("/kb/articles", s.api(helpdesk.ScopeKBRead, s.apiKBArticles))
	r.Get("/kb/articles/{ref}", s.api(helpdesk.ScopeKBRead, s.apiKBArticle))
}

// apiKBArticleOut is an article; a list leaves out its body.
type apiKBArticleOut struct {
	ID          int64      `json:"id"`
	Slug        string     `json:"slug"`
	Language    string     `json:"language"`
	Title       string     `json:"title"`
	Summary     string     `json:"summary"`
	Tags        []string   `json:"tags"`
	Audience    string     `json:"audience"`
	CategoryID  int64      `json:"category_id"`
	SectionID   int64      `json:"section_id"`
	URL         string     `json:"url,omitempty"` // the help centre's page, for articles it shows
	Body        *string    `json:"body,omitempty"`
	HTML        *string    `json:"html,omitempty"`
	Text        *string    `json:"text,omitempty"`
	Score       *float64   `json:"score,omitempty"`
	Snippet     *string    `json:"snippet,omitempty"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at"`
}

func toAPIKBArticle(t helpdesk.Tenant, a helpdesk.KBArticle) apiKBArticleOut {
	out := apiKBArticleOut{ID: int64(a.ID), Slug: a.Slug, Language: a.Locale, Title: a.Title, Summary: a.Summary,
		Tags: a.Tags, Audience: string(a.Audience), CategoryID: int64(a.Category), SectionID: int64(a.Section),
		UpdatedAt: a.UpdatedAt.UTC()}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if a.Audience != helpdesk.KBInternal {
		out.URL = helpArticleURL(t, a)
	}
	if !a.PublishedAt.IsZero() {
		p := a.PublishedAt.UTC()
		out.PublishedAt = &p
	}
	return out
}

// kbLanguage reads language=es|en; empty lists every language.
func kbLanguage(q url.Values) (string, error) {
	switch l := q.Get("language"); l {
	case "", "es", "en":
		return l, nil
	default:
		return "", &helpdesk.ValidationError{Fields: map[string]string{"language": "error.invalid"}}
	}
}

// apiKBArticles lists the published articles in the help centre's order
// (one per translation group when a language is given), or with q= the
// best matches first, as the console's article search ranks them.
func (s *Server) apiKBArticles(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	q := r.URL.Query()
	lang, err := kbLanguage(q)
	if err != nil {
		return err
	}
	limit, err := apiLimit(q)
	if err != nil {
		return err
	}
	out := apiList[apiKBArticleOut]{Data: []apiKBArticleOut{}}
	if text := strings.TrimSpace(q.Get("q")); text != "" {
		hits, err := s.svc.SearchHelp(r.Context(), c.by, text, lang, helpdesk.KBFromConsole)
		if err != nil {
			return err
		}
		for _, h := range hits[:min(len(hits), limit)] {
			a := toAPIKBArticle(c.tenant, h.Article)
			score, snip := h.Score, strings.NewReplacer(helpdesk.KBMarkStart, "", helpdesk.KBMarkStop, "").Replace(h.Snippet)
			a.Score, a.Snippet = &score, &snip
			out.Data = append(out.Data, a)
		}
		return apiJSON(w, http.StatusOK, out)
	}
	arts, err := s.svc.KBAdminArticles(r.Context(), c.by, helpdesk.KBListQuery{
		States: []helpdesk.KBState{helpdesk.KBPublished}, Lang: lang, Live: true, Limit: limit})
	if err != nil {
		return err
	}
	for _, a := range arts {
		out.Data = append(out.Data, toAPIKBArticle(c.tenant, a))
	}
	return apiJSON(w, http.StatusOK, out)
}

// apiKBArticle reads one published article by id, "{id}-{slug}" (the help
// centre's form) or slug; for a slug, language= picks the translation.
// A draft, an archived article or another desk's is not found.
func (s *Server) apiKBArticle(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	ref := chi.URLParam(r, "ref")
	lang, err := kbLanguage(r.URL.Query())
	if err != nil {
		return err
	}
	idText, _, _ := strings.Cut(ref, "-")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		id = 0 // a slug: language= picks among its translations
	} else {
		// By id: the article's slug finds it among the readable ones,
		// every translation listed.
		a, _, err := s.svc.KBEditArticle(r.Context(), c.by, helpdesk.KBArticleID(id))
		if err != nil {
			return err
		}
		ref, lang = a.Slug, ""
	}
	// Only a published article of a live (not archived) category is
	// readable: the list's own query decides.
	found, err := s.svc.KBAdminArticles(r.Context(), c.by, helpdesk.KBListQuery{
		States: []helpdesk.KBState{helpdesk.KBPublished}, Slug: ref, Lang: lang, Live: true})
	if err != nil {
		return err
	}
	i := slices.IndexFunc(found, func(a helpdesk.KBArticle) bool { return id == 0 || int64(a.ID) == id })
	if i < 0 {
		return helpdesk.ErrNotFound
	}
	a, _, err := s.svc.KBEditArticle(r.Context(), c.by, found[i].ID)
	if err != nil {
		return err
	}
	out := toAPIKBArticle(c.tenant, a)
	out.Body, out.HTML, out.Text = &a.Body, &a.HTML, &a.Text
	return apiJSON(w, http.StatusOK, out)
}
