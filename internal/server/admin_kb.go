package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/admin"
)

// adminKBRoutes are the knowledge base's settings: the help centre's
// switch, categories and sections, and who may publish. Articles are
// written in the console (/agent/kb).
func (s *Server) adminKBRoutes(r chi.Router) {
	r.Get("/kb", s.h(s.adminKB))
	r.Post("/kb/settings", s.h(s.adminKBSettings))
	r.Post("/kb/categories", s.h(s.adminKBCategory))
	r.Post("/kb/categories/{id}", s.h(s.adminKBCategory))
	r.Post("/kb/sections", s.h(s.adminKBSection))
	r.Post("/kb/sections/{id}", s.h(s.adminKBSection))
	r.Post("/kb/editors", s.h(s.adminKBEditors))
}

// kbDeflectAfter is how long after opening a suggestion a visitor who has
// not submitted the form counts as deflected.
const kbDeflectAfter = 30 * time.Minute

func (s *Server) adminKB(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminKB(w, r, http.StatusOK, nil)
}

func (s *Server) renderAdminKB(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	ctx := r.Context()
	cfg, err := s.svc.KBConfig(ctx, by)
	if err != nil {
		return err
	}
	agents, err := s.svc.Agents(ctx, by)
	if err != nil {
		return err
	}
	rep, err := s.svc.KBReport(ctx, by, s.now().Add(-30*24*time.Hour), kbDeflectAfter)
	if err != nil {
		return err
	}
	vm := admin.KBAdmin{Frame: s.adminFrame(r, l.T("kb.admin.title"), "kb"), On: cfg.Settings.HelpEnabled,
		SettingsURL: adminPath(t, "/kb/settings"), NewCategory: adminPath(t, "/kb/categories"), NewSection: adminPath(t, "/kb/sections"),
		EditorsURL: adminPath(t, "/kb/editors"), ArticlesURL: kbPath(t, ""), HelpURL: tenantPath(t, "/help"), Errors: errs}
	for _, c := range cfg.Categories {
		id := strconv.FormatInt(int64(c.ID), 10)
		row := admin.KBCategoryRow{ActionURL: adminPath(t, "/kb/categories/"+id), ID: id, Name: c.Name, NameEN: c.NameEN,
			Description: c.Description, DescriptionEN: c.DescriptionEN, Position: strconv.Itoa(c.Position), Archived: c.Archived}
		for _, sec := range c.Sections {
			row.Sections = append(row.Sections, admin.KBSectionRow{ActionURL: adminPath(t, "/kb/sections/"+strconv.FormatInt(int64(sec.ID), 10)),
				Name: sec.Name, NameEN: sec.NameEN, Position: strconv.Itoa(sec.Position)})
		}
		vm.Categories = append(vm.Categories, row)
	}
	for _, a := range agents {
		ed := false
		for _, e := range cfg.Editors {
			ed = ed || e == a.ID
		}
		vm.Editors = append(vm.Editors, admin.KBEditorRow{ID: strconv.FormatInt(int64(a.ID), 10), Name: a.Name,
			Admin: a.Role == helpdesk.RoleAdmin, Editor: ed})
	}
	for _, st := range rep.Articles {
		vm.Stats = append(vm.Stats, admin.KBStatRow{Title: st.Title, Views: strconv.Itoa(st.Views), Helpful: strconv.Itoa(st.Helpful),
			NotHelpful: strconv.Itoa(st.NotHelpful), Deflection: strconv.Itoa(st.Deflections)})
	}
	for _, q := range rep.EmptySearch {
		vm.Empty = append(vm.Empty, admin.KBStatRow{Title: q.Query, Views: strconv.Itoa(q.Count)})
	}
	return s.render(w, r, status, admin.KBAdminPage(vm))
}

func (s *Server) adminKBDone(w http.ResponseWriter, r *http.Request) {
	s.flash(r.Context(), "success", s.lang(r).T("kb.admin.saved"))
	http.Redirect(w, r, adminPath(tenantFrom(r), "/kb"), http.StatusSeeOther)
}

// adminKBRefused re-renders the page with the domain's refusal, or
// returns any other error.
func (s *Server) adminKBRefused(w http.ResponseWriter, r *http.Request, err error) error {
	errs, ok := fieldErrors(s.lang(r), err)
	if !ok {
		return err
	}
	var msgs []string
	for _, m := range errs {
		msgs = append(msgs, m)
	}
	return s.renderAdminKB(w, r, http.StatusUnprocessableEntity, map[string]string{"form": strings.Join(msgs, " ")})
}

func (s *Server) adminKBSettings(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.svc.SetHelpCentre(r.Context(), adminActor(r), r.PostFormValue("on") == "true"); err != nil {
		return err
	}
	s.adminKBDone(w, r)
	return nil
}

func kbOptionalID(r *http.Request) (int64, error) {
	if chi.URLParam(r, "id") == "" {
		return 0, nil
	}
	return pathID(r)
}

func formInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name)))
	return n
}

func (s *Server) adminKBCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := kbOptionalID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	_, err = s.svc.SaveKBCategory(r.Context(), adminActor(r), helpdesk.KBCategoryID(id), helpdesk.KBCategoryInput{
		Name: r.PostFormValue("name"), NameEN: r.PostFormValue("name_en"), Description: r.PostFormValue("description"),
		DescriptionEN: r.PostFormValue("description_en"), Position: formInt(r, "position"), Archived: r.PostFormValue("archived") == "true"})
	if err != nil {
		return s.adminKBRefused(w, r, err)
	}
	s.adminKBDone(w, r)
	return nil
}

func (s *Server) adminKBSection(w http.ResponseWriter, r *http.Request) error {
	id, err := kbOptionalID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	cat, _ := strconv.ParseInt(r.PostFormValue("category"), 10, 64)
	_, err = s.svc.SaveKBSection(r.Context(), adminActor(r), helpdesk.KBSectionID(id), helpdesk.KBSectionInput{
		Category: helpdesk.KBCategoryID(cat), Name: r.PostFormValue("name"), NameEN: r.PostFormValue("name_en"), Position: formInt(r, "position")})
	if err != nil {
		return s.adminKBRefused(w, r, err)
	}
	s.adminKBDone(w, r)
	return nil
}

// adminKBEditors sets the editor flag of every agent from the ticked boxes.
func (s *Server) adminKBEditors(w http.ResponseWriter, r *http.Request) error {
	by := adminActor(r)
	if err := parseForm(r); err != nil {
		return err
	}
	agents, err := s.svc.Agents(r.Context(), by)
	if err != nil {
		return err
	}
	cfg, err := s.svc.KBConfig(r.Context(), by)
	if err != nil {
		return err
	}
	ticked := map[string]bool{}
	for _, v := range r.PostForm["editor"] {
		ticked[v] = true
	}
	for _, a := range agents {
		if a.Role == helpdesk.RoleAdmin {
			continue
		}
		want := ticked[strconv.FormatInt(int64(a.ID), 10)]
		has := false
		for _, e := range cfg.Editors {
			has = has || e == a.ID
		}
		if want != has {
			if err := s.svc.SetKBEditor(r.Context(), by, a.ID, want); err != nil {
				return err
			}
		}
	}
	s.adminKBDone(w, r)
	return nil
}
