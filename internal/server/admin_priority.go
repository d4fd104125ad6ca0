package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

func (s *Server) adminPriorityRoutes(r chi.Router) {
	r.Get("/priority", s.h(s.adminPriority))
	r.Post("/priority", s.h(s.adminSetPriority))
}

// matrixLevel names an impact level; urgencyLevel an urgency level (the
// words agree in gender in Spanish).
func matrixLevel(l i18n.Lang, level string) string {
	return l.T(msgKey("admin.priority.level.", level))
}

func urgencyLevel(l i18n.Lang, level string) string {
	return l.T(msgKey("admin.priority.ulevel.", level))
}

func (s *Server) adminPriority(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.PriorityMatrix(r.Context(), adminActor(r))
	if err != nil {
		return err
	}
	cells := map[string]string{}
	for ii, i := range helpdesk.Impacts() {
		for ui, u := range helpdesk.Urgencies() {
			cells[helpdesk.MatrixCellName(i, u)] = m[ii][ui].String()
		}
	}
	return s.renderPriority(w, r, http.StatusOK, cells, nil)
}

func (s *Server) adminSetPriority(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	cells := map[string]string{}
	for _, i := range helpdesk.Impacts() {
		for _, u := range helpdesk.Urgencies() {
			n := helpdesk.MatrixCellName(i, u)
			cells[n] = r.PostForm.Get(n)
		}
	}
	if _, err := s.svc.SetPriorityMatrix(r.Context(), adminActor(r), cells); err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderPriority(w, r, http.StatusUnprocessableEntity, cells, errs)
	}
	s.flash(r.Context(), "success", l.T("admin.priority.saved"))
	http.Redirect(w, r, adminPath(t, "/priority"), http.StatusSeeOther)
	return nil
}

func (s *Server) renderPriority(w http.ResponseWriter, r *http.Request, status int, cells map[string]string, errs map[string]string) error {
	t, l := tenantFrom(r), s.lang(r)
	vm := admin.PriorityView{Frame: s.adminFrame(r, l.T("admin.nav.priority"), "priority"), ActionURL: adminPath(t, "/priority"), Errors: errs}
	for _, u := range helpdesk.Urgencies() {
		vm.Urgencies = append(vm.Urgencies, l.T("admin.priority.urgency", urgencyLevel(l, u.String())))
	}
	for _, i := range helpdesk.Impacts() {
		row := admin.MatrixRow{Impact: l.T("admin.priority.impact", matrixLevel(l, i.String()))}
		for _, u := range helpdesk.Urgencies() {
			n := helpdesk.MatrixCellName(i, u)
			c := admin.MatrixCell{Name: n, Error: errs[n],
				Label: l.T("admin.priority.cell", matrixLevel(l, i.String()), urgencyLevel(l, u.String()))}
			for _, p := range helpdesk.Priorities() {
				c.Options = append(c.Options, admin.Option{Value: p.String(), Label: priorityLabel(l, p), Selected: cells[n] == p.String()})
			}
			row.Cells = append(row.Cells, c)
		}
		vm.Rows = append(vm.Rows, row)
	}
	return s.render(w, r, status, admin.PriorityPage(vm))
}
