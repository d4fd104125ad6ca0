package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

func (s *Server) adminWebhookRoutes(r chi.Router) {
	r.Get("/webhooks", s.h(s.adminWebhooks))
	r.Post("/webhooks", s.h(s.adminCreateWebhook))
	r.Get("/webhooks/{id}", s.h(s.adminWebhook))
	r.Post("/webhooks/{id}", s.h(s.adminUpdateWebhook))
	r.Post("/webhooks/{id}/test", s.h(s.adminTestWebhook))
	r.Post("/webhooks/{id}/rotate", s.h(s.adminRotateWebhook))
	r.Post("/webhooks/{id}/delete", s.h(s.adminDeleteWebhook))
	r.Post("/webhooks/{id}/deliveries/{delivery}/resend", s.h(s.adminResendWebhook))
}

// webhookLogSize is how many deliveries a subscription's page lists.
const webhookLogSize = 50

func webhookForm(r *http.Request) (admin.WebhookForm, helpdesk.WebhookInput) {
	f := r.PostForm
	form := admin.WebhookForm{URL: f.Get("url"), Group: f.Get("group"), Category: f.Get("category"), Active: f.Get("active") != "",
		Events: map[string]bool{}}
	for _, e := range f["events"] {
		form.Events[e] = true
	}
	return form, helpdesk.WebhookInput{URL: form.URL, Events: f["events"], Group: helpdesk.GroupID(optionalID(form.Group)),
		Category: helpdesk.CategoryID(optionalID(form.Category)), Active: form.Active}
}

func (s *Server) adminWebhooks(w http.ResponseWriter, r *http.Request) error {
	form := admin.WebhookForm{Active: true, Events: map[string]bool{helpdesk.HookTicketCreated: true}}
	return s.renderWebhooks(w, r, http.StatusOK, 0, form, nil, "")
}

func (s *Server) adminCreateWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	form, in := webhookForm(r)
	hook, secret, err := s.svc.CreateWebhook(r.Context(), adminActor(r), in)
	if err != nil {
		errs, ok := fieldErrors(s.lang(r), err)
		if !ok {
			return err
		}
		return s.renderWebhooks(w, r, http.StatusUnprocessableEntity, 0, form, errs, "")
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderWebhooks(w, r, http.StatusCreated, hook.ID, admin.WebhookForm{}, nil, secret)
}

func (s *Server) adminWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderWebhooks(w, r, http.StatusOK, helpdesk.WebhookID(id), admin.WebhookForm{}, nil, "")
}

func (s *Server) adminUpdateWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	form, in := webhookForm(r)
	_, err = s.svc.UpdateWebhook(r.Context(), adminActor(r), helpdesk.WebhookID(id), in)
	return s.formDone(w, r, err, func(errs map[string]string) error {
		return s.renderWebhooks(w, r, http.StatusUnprocessableEntity, helpdesk.WebhookID(id), form, errs, "")
	}, l.T("webhook.saved"), adminPath(t, "/webhooks/"+idString(id)))
}

// adminWebhookAction runs fn on the subscription of the path and goes back
// to its page with msg.
func (s *Server) adminWebhookAction(w http.ResponseWriter, r *http.Request, msg string, fn func(id helpdesk.WebhookID) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := fn(helpdesk.WebhookID(id)); err != nil {
		return err
	}
	s.flash(r.Context(), "success", s.lang(r).T(msg))
	http.Redirect(w, r, adminPath(tenantFrom(r), "/webhooks/"+idString(id)), http.StatusSeeOther)
	return nil
}

func (s *Server) adminTestWebhook(w http.ResponseWriter, r *http.Request) error {
	return s.adminWebhookAction(w, r, "webhook.test_queued", func(id helpdesk.WebhookID) error {
		return s.svc.SendTestWebhook(r.Context(), adminActor(r), id)
	})
}

func (s *Server) adminResendWebhook(w http.ResponseWriter, r *http.Request) error {
	d, err := strconv.ParseInt(chi.URLParam(r, "delivery"), 10, 64)
	if err != nil {
		return errNotFound
	}
	return s.adminWebhookAction(w, r, "webhook.resent", func(id helpdesk.WebhookID) error {
		return s.svc.ResendWebhookDelivery(r.Context(), adminActor(r), id, helpdesk.WebhookDeliveryID(d))
	})
}

// adminRotateWebhook answers with the page (not a redirect): the new
// secret is in that answer only.
func (s *Server) adminRotateWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	secret, err := s.svc.RotateWebhookSecret(r.Context(), adminActor(r), helpdesk.WebhookID(id))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderWebhooks(w, r, http.StatusOK, helpdesk.WebhookID(id), admin.WebhookForm{}, nil, secret)
}

func (s *Server) adminDeleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteWebhook(r.Context(), adminActor(r), helpdesk.WebhookID(id)); err != nil {
		return err
	}
	s.flash(r.Context(), "success", s.lang(r).T("webhook.deleted"))
	http.Redirect(w, r, adminPath(tenantFrom(r), "/webhooks"), http.StatusSeeOther)
	return nil
}

// renderWebhooks renders the list (id zero) or subscription id's page; a
// zero form on a subscription's page is filled from the subscription.
func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, id helpdesk.WebhookID, form admin.WebhookForm, errs map[string]string, secret string) error {
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	groups, _, cats, err := s.svc.FilterChoices(ctx, by)
	if err != nil {
		return err
	}
	vm := admin.WebhooksView{Frame: s.adminFrame(r, l.T("admin.nav.webhooks"), "webhooks"), Secret: secret, Errors: errs,
		ActionURL: adminPath(t, "/webhooks"), BackURL: adminPath(t, "/webhooks")}
	groupName, catName := map[int64]string{}, map[int64]string{}
	for _, g := range groups {
		groupName[int64(g.ID)] = g.Name
	}
	for _, c := range cats {
		catName[int64(c.ID)] = c.Name
	}
	if id == 0 {
		hooks, err := s.svc.Webhooks(ctx, by)
		if err != nil {
			return err
		}
		for _, h := range hooks {
			vm.Rows = append(vm.Rows, webhookRow(l, t, h, groupName, catName))
		}
	} else {
		hook, log, err := s.svc.WebhookLog(ctx, by, id, webhookLogSize)
		if err != nil {
			return err
		}
		vm.Editing = true
		base := adminPath(t, "/webhooks/"+idString(id))
		vm.ActionURL, vm.TestURL, vm.RotateURL, vm.DeleteURL = base, base+"/test", base+"/rotate", base+"/delete"
		if form.URL == "" && form.Events == nil {
			form = admin.WebhookForm{URL: hook.URL, Active: hook.Active, Group: optionalIDString(int64(hook.Group)),
				Category: optionalIDString(int64(hook.Category)), Events: map[string]bool{}}
			for _, e := range hook.Events {
				form.Events[e] = true
			}
		}
		if !hook.Active && hook.DisabledReason != "" {
			vm.Notice = l.T("webhook.disabled_notice")
		}
		loc := deskLocation(t)
		for _, d := range log {
			vm.Log = append(vm.Log, deliveryRow(l, loc, base, d))
		}
	}
	vm.Form = form
	for _, e := range helpdesk.WebhookEvents() {
		vm.Events = append(vm.Events, admin.Option{Value: e, Label: l.T(msgKey("webhook.event.", strings.ReplaceAll(e, ".", "_")))})
	}
	vm.Groups = []admin.Option{{Value: "", Label: l.T("webhook.any")}}
	for _, g := range groups {
		vm.Groups = append(vm.Groups, admin.Option{Value: idString(g.ID), Label: g.Name, Selected: form.Group == idString(g.ID)})
	}
	vm.Categories = []admin.Option{{Value: "", Label: l.T("webhook.any")}}
	for _, c := range cats {
		vm.Categories = append(vm.Categories, admin.Option{Value: idString(c.ID), Label: c.Name, Selected: form.Category == idString(c.ID)})
	}
	return s.render(w, r, status, admin.WebhooksPage(vm))
}

func optionalIDString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func webhookRow(l i18n.Lang, t helpdesk.Tenant, h helpdesk.Webhook, groups, cats map[int64]string) admin.WebhookRow {
	row := admin.WebhookRow{ID: idString(h.ID), URL: h.URL, Events: strings.Join(h.Events, " "),
		EditURL: adminPath(t, "/webhooks/"+idString(h.ID)), State: "active", StateMsg: l.T("webhook.state.active")}
	var filter []string
	if h.Group != 0 {
		filter = append(filter, groups[int64(h.Group)])
	}
	if h.Category != 0 {
		filter = append(filter, cats[int64(h.Category)])
	}
	row.Filter = orDash(strings.Join(filter, ", "))
	switch {
	case !h.Active && h.DisabledReason != "":
		row.State, row.StateMsg = "disabled", l.T("webhook.state.disabled")
	case !h.Active:
		row.State, row.StateMsg = "off", l.T("webhook.state.off")
	}
	return row
}

func deliveryRow(l i18n.Lang, loc *time.Location, base string, d helpdesk.WebhookDelivery) admin.WebhookDeliveryRow {
	row := admin.WebhookDeliveryRow{ID: idString(d.ID), EventID: d.EventID, Event: d.Event, State: d.State,
		StateText: l.T(msgKey("webhook.delivery.", d.State)), Attempts: l.T("webhook.attempts", d.Attempts),
		Status: "—", Latency: strconv.FormatInt(d.LastLatency.Milliseconds(), 10) + " ms", Response: d.LastResponse,
		When: formatTime(l, loc, d.CreatedAt), ResendURL: base + "/deliveries/" + idString(d.ID) + "/resend"}
	if d.LastStatus != 0 {
		row.Status = strconv.Itoa(d.LastStatus)
	}
	if d.LastError != "" {
		row.Response = d.LastError
	}
	return row
}
