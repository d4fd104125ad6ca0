package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// consoleKBRoutes are the knowledge base's editor pages, for every agent
// (the domain lets only admins and editors publish), and the search the
// ticket workspace uses.
func (s *Server) consoleKBRoutes(r chi.Router) {
	r.Get("/kb", s.h(s.consoleKBList))
	r.Get("/kb/new", s.h(s.consoleKBNew))
	r.Post("/kb/new", s.h(s.consoleKBCreate))
	r.Get("/kb/search", s.h(s.consoleKBSearch))
	r.Post("/kb/from-ticket/{number}", s.h(s.consoleKBFromTicket))
	r.Get("/kb/{id}", s.h(s.consoleKBEdit))
	r.Post("/kb/{id}", s.h(s.consoleKBUpdate))
	r.Post("/kb/{id}/delete", s.h(s.consoleKBDelete))
	r.With(s.uploadGate).Post("/kb/{id}/images", s.h(s.consoleKBImage))
	r.Get("/kb/{id}/revisions", s.h(s.consoleKBRevisions))
	r.Post("/kb/{id}/revisions/{rev}/restore", s.h(s.consoleKBRestore))
}

func kbPath(t helpdesk.Tenant, p string) string { return tenantPath(t, "/agent/kb"+p) }

func kbArticlePath(t helpdesk.Tenant, id helpdesk.KBArticleID, p string) string {
	return kbPath(t, "/"+strconv.FormatInt(int64(id), 10)+p)
}

func kbID(r *http.Request) (helpdesk.KBArticleID, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return helpdesk.KBArticleID(id), nil
}

func kbStateLabel(l i18n.Lang, st helpdesk.KBState) string {
	switch st {
	case helpdesk.KBPublished:
		return l.T("kb.state.published")
	case helpdesk.KBArchived:
		return l.T("kb.state.archived")
	}
	return l.T("kb.state.draft")
}

func kbAudienceLabel(l i18n.Lang, a helpdesk.KBAudience) string {
	switch a {
	case helpdesk.KBCustomers:
		return l.T("kb.audience.customers")
	case helpdesk.KBInternal:
		return l.T("kb.audience.internal")
	}
	return l.T("kb.audience.public")
}

func (s *Server) consoleKBList(w http.ResponseWriter, r *http.Request) error {
	t, l, by := tenantFrom(r), s.lang(r), agent(r).Actor()
	arts, err := s.svc.KBAdminArticles(r.Context(), by, helpdesk.KBListQuery{})
	if err != nil {
		return err
	}
	can, err := s.svc.KBCanPublish(r.Context(), by)
	if err != nil {
		return err
	}
	f, err := s.consoleFrame(r, l.T("kb.console.title"), "")
	if err != nil {
		return err
	}
	vm := console.KBList{Frame: f, NewURL: kbPath(t, "/new"), CanPublish: can}
	for _, a := range arts {
		vm.Rows = append(vm.Rows, console.KBRow{Title: a.Title, URL: kbArticlePath(t, a.ID, ""), Locale: a.Locale,
			Audience: kbAudienceLabel(l, a.Audience), State: kbStateLabel(l, a.State),
			Updated: formatTime(l, tenantLocation(t), a.UpdatedAt), Views: strconv.FormatInt(a.Views, 10)})
	}
	return s.render(w, r, http.StatusOK, console.KBListPage(vm))
}

// consoleKBNew is an empty editor; ?translate={id}&locale=en starts a
// translation of article id.
func (s *Server) consoleKBNew(w http.ResponseWriter, r *http.Request) error {
	form := console.KBForm{Locale: s.lang(r).String(), Audience: string(helpdesk.KBPublic), Position: "0"}
	if id, err := strconv.ParseInt(r.URL.Query().Get("translate"), 10, 64); err == nil && id > 0 {
		src, _, err := s.svc.KBEditArticle(r.Context(), agent(r).Actor(), helpdesk.KBArticleID(id))
		if err != nil {
			return err
		}
		form = console.KBForm{Title: src.Title, Summary: src.Summary, Body: src.Body, Tags: strings.Join(src.Tags, ", "),
			Section: strconv.FormatInt(int64(src.Section), 10), Audience: string(src.Audience), Position: strconv.Itoa(src.Position),
			TranslationOf: strconv.FormatInt(id, 10), Locale: "en"}
		if src.Locale == "en" {
			form.Locale = "es"
		}
	}
	return s.renderKBEdit(w, r, http.StatusOK, helpdesk.KBArticle{}, nil, form, nil)
}

func kbFormOf(a helpdesk.KBArticle) console.KBForm {
	return console.KBForm{Title: a.Title, Summary: a.Summary, Body: a.Body, Tags: strings.Join(a.Tags, ", "),
		Section: strconv.FormatInt(int64(a.Section), 10), Locale: a.Locale, Audience: string(a.Audience),
		Position: strconv.Itoa(a.Position), Version: strconv.Itoa(a.Version)}
}

func (s *Server) consoleKBEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := kbID(r)
	if err != nil {
		return err
	}
	a, tr, err := s.svc.KBEditArticle(r.Context(), agent(r).Actor(), id)
	if err != nil {
		return err
	}
	return s.renderKBEdit(w, r, http.StatusOK, a, tr, kbFormOf(a), nil)
}

func readKBForm(r *http.Request) (console.KBForm, helpdesk.KBSave, error) {
	if err := parseForm(r); err != nil {
		return console.KBForm{}, helpdesk.KBSave{}, err
	}
	f := console.KBForm{Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"), Body: r.PostFormValue("body"),
		Tags: r.PostFormValue("tags"), Section: r.PostFormValue("section"), Locale: r.PostFormValue("locale"),
		Audience: r.PostFormValue("audience"), Position: r.PostFormValue("position"), Version: r.PostFormValue("version"),
		TranslationOf: r.PostFormValue("translation_of")}
	num := func(s string) int64 { n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64); return n }
	save := helpdesk.KBSave{
		Input: helpdesk.KBArticleInput{Section: helpdesk.KBSectionID(num(f.Section)), Locale: f.Locale, Title: f.Title,
			Summary: f.Summary, Body: f.Body, Tags: f.Tags, Audience: f.Audience, Position: int(num(f.Position)), Version: int(num(f.Version))},
		TranslationOf: helpdesk.KBArticleID(num(f.TranslationOf)),
		To:            helpdesk.KBState(r.PostFormValue("to")),
	}
	return f, save, nil
}

func (s *Server) consoleKBCreate(w http.ResponseWriter, r *http.Request) error {
	return s.saveKB(w, r, 0)
}

func (s *Server) consoleKBUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := kbID(r)
	if err != nil {
		return err
	}
	return s.saveKB(w, r, id)
}

// saveKB saves the editor's form; a refused save re-renders it as typed
// (422, or 409 when someone saved the article meanwhile).
func (s *Server) saveKB(w http.ResponseWriter, r *http.Request, id helpdesk.KBArticleID) error {
	t, l, by := tenantFrom(r), s.lang(r), agent(r).Actor()
	form, save, err := readKBForm(r)
	if err != nil {
		return err
	}
	saved, err := s.svc.SaveKBArticle(r.Context(), by, id, save)
	if err != nil {
		var old helpdesk.KBArticle
		var tr []helpdesk.KBArticle
		if id != 0 {
			var lerr error
			if old, tr, lerr = s.svc.KBEditArticle(r.Context(), by, id); lerr != nil {
				return lerr
			}
		}
		if errs, ok := fieldErrors(l, err); ok {
			return s.renderKBEdit(w, r, http.StatusUnprocessableEntity, old, tr, form, errs)
		}
		switch {
		case errors.Is(err, helpdesk.ErrConflict):
			return s.renderKBEdit(w, r, http.StatusConflict, old, tr, form, map[string]string{"form": l.T("kb.error.conflict")})
		case errors.Is(err, helpdesk.ErrForbidden):
			return s.renderKBEdit(w, r, http.StatusForbidden, old, tr, form, map[string]string{"form": l.T("kb.error.editor_only")})
		}
		return err
	}
	s.flash(r.Context(), "success", l.T("kb.saved", kbStateLabel(l, saved.State)))
	http.Redirect(w, r, kbArticlePath(t, saved.ID, ""), http.StatusSeeOther)
	return nil
}

func (s *Server) renderKBEdit(w http.ResponseWriter, r *http.Request, status int, a helpdesk.KBArticle, tr []helpdesk.KBArticle, form console.KBForm, errs map[string]string) error {
	t, l, by := tenantFrom(r), s.lang(r), agent(r).Actor()
	cfg, err := s.svc.KBConfig(r.Context(), by)
	if err != nil {
		return err
	}
	can, err := s.svc.KBCanPublish(r.Context(), by)
	if err != nil {
		return err
	}
	title := l.T("kb.console.new")
	if a.ID != 0 {
		title = a.Title
	}
	f, err := s.consoleFrame(r, title, "")
	if err != nil {
		return err
	}
	vm := console.KBEdit{Frame: f, Title: title, ActionURL: kbPath(t, "/new"), Form: form, Errors: errs, CanPublish: can}
	for _, c := range cfg.Categories {
		for _, sec := range c.Sections {
			v := strconv.FormatInt(int64(sec.ID), 10)
			vm.Sections = append(vm.Sections, console.Option{Value: v, Label: c.Label(l.String()) + " › " + sec.Label(l.String()), Selected: v == form.Section})
		}
	}
	for _, lc := range helpdesk.KBLocales {
		vm.Locales = append(vm.Locales, console.Option{Value: lc, Label: helpLangName(l, lc), Selected: lc == form.Locale})
	}
	for _, au := range []helpdesk.KBAudience{helpdesk.KBPublic, helpdesk.KBCustomers, helpdesk.KBInternal} {
		vm.Audiences = append(vm.Audiences, console.Option{Value: string(au), Label: kbAudienceLabel(l, au), Selected: string(au) == form.Audience})
	}
	if a.ID != 0 {
		vm.ActionURL = kbArticlePath(t, a.ID, "")
		vm.State, vm.Published = kbStateLabel(l, a.State), a.State == helpdesk.KBPublished
		vm.RevisionsURL = kbArticlePath(t, a.ID, "/revisions")
		vm.DeleteURL = kbArticlePath(t, a.ID, "/delete")
		vm.ImageURL = kbArticlePath(t, a.ID, "/images")
		if a.State == helpdesk.KBPublished && a.Audience != helpdesk.KBInternal {
			vm.ViewURL = helpArticleURL(t, a)
		}
		if len(tr) < len(helpdesk.KBLocales) {
			vm.TranslateURL = kbPath(t, "/new?translate="+strconv.FormatInt(int64(a.ID), 10))
		}
		for _, x := range tr {
			if x.ID != a.ID {
				vm.Translations = append(vm.Translations, console.KBRow{Title: x.Title, URL: kbArticlePath(t, x.ID, ""), Locale: x.Locale, State: kbStateLabel(l, x.State)})
			}
		}
	}
	return s.render(w, r, status, console.KBEditPage(vm))
}

func (s *Server) consoleKBDelete(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	id, err := kbID(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteKBArticle(r.Context(), agent(r).Actor(), id); err != nil {
		return err
	}
	s.flash(r.Context(), "success", l.T("kb.deleted"))
	http.Redirect(w, r, kbPath(t, ""), http.StatusSeeOther)
	return nil
}

// consoleKBImage stores an uploaded image and says how to use it in the
// article's Markdown.
func (s *Server) consoleKBImage(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	id, err := kbID(r)
	if err != nil {
		return err
	}
	up, err := readUpload(w, r, attachmentLimits())
	if err != nil {
		return err
	}
	if len(up.files) != 1 {
		s.flash(r.Context(), "error", l.T("kb.image.one"))
		http.Redirect(w, r, kbArticlePath(t, id, ""), http.StatusSeeOther)
		return nil
	}
	img, err := s.svc.UploadKBImage(r.Context(), agent(r).Actor(), id, up.files[0])
	if errs, ok := fieldErrors(l, err); ok {
		s.flash(r.Context(), "error", errs["image"])
		http.Redirect(w, r, kbArticlePath(t, id, ""), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	src := tenantPath(t, "/help/images/"+strconv.FormatInt(int64(img.ID), 10))
	s.flash(r.Context(), "success", l.T("kb.image.done", "![]("+src+")"))
	http.Redirect(w, r, kbArticlePath(t, id, ""), http.StatusSeeOther)
	return nil
}
