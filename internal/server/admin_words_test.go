package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/demo"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/markdown"
	"github.com/atiende/atiende/internal/password"
)

// Words an admin must never meet in a page's visible text: stored
// identifiers (snake_case, true/false), ISO dates where the product writes
// "6 dic 2026, 18:54", and a count of one with a plural noun.
var rawWords = []struct {
	what string
	re   *regexp.Regexp
}{
	{"snake_case identifier", regexp.MustCompile(`\b[a-z]+(?:_[a-z0-9]+)+\b`)},
	{"ISO date", regexp.MustCompile(`\b\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d)?`)},
	{"true or false", regexp.MustCompile(`\b(?:true|false)\b`)},
	{"one with a plural", regexp.MustCompile(`(?:^|[^\d.,])1 (?:condiciones|acciones|tickets|mensajes|reglas|agentes|miembros|días|horas|minutos|conditions|actions|messages|rules|agents|members|days|hours|minutes)\b`)},
}

// Text that may hold such words legitimately: addresses, links, and what an
// admin typed or must type verbatim (code, template placeholders).
var (
	allowedText  = regexp.MustCompile(`\S+@\S+|https?://\S+|\{\{[^}]*\}\}|\{[a-z_.]+\}`)
	verbatimTags = "script, style, template, code, pre, kbd, samp, textarea, noscript"
)

// visibleText is the text a reader sees on the page, without the parts
// that are verbatim by nature.
func visibleText(doc *goquery.Document) string {
	body := doc.Find("body").Clone()
	body.Find(verbatimTags).Remove()
	// The holidays field's help shows the format the field takes.
	body.Find("#sla-holidays-help").Remove()
	return allowedText.ReplaceAllString(strings.Join(strings.Fields(body.Text()), " "), " ")
}

// adminShape is a link with its numbers and query left out, so that the
// walk reads a few pages of each kind rather than every ticket.
var digits = regexp.MustCompile(`\d+`)

func adminShape(path string) string {
	path, _, _ = strings.Cut(path, "?")
	return digits.ReplaceAllString(path, "N")
}

// TestAdminPagesSpeakWords walks every admin page of the demo desk (months
// of tickets, rules, SLA, the help centre) by following the links from the
// admin home, in Spanish and in English, and fails on any internal value in
// the visible text.
func TestAdminPagesSpeakWords(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo desk")
	}
	t.Parallel()
	e := newEnv(t)
	clock := demo.NewClock(time.Now().Add(-demo.Span() - time.Hour))
	demoSvc := helpdesk.NewService(e.store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 4), clock.Now,
		helpdesk.WithKB(markdown.New()))
	res, err := demo.Load(context.Background(), demoSvc, clock, testPassword)
	require.NoError(t, err)
	ctx := context.Background()
	adminUser, err := e.svc.Authenticate(ctx, res.Tenant.ID, demo.Logins[0].Email, testPassword)
	require.NoError(t, err)
	d := desk{tenant: res.Tenant, admin: adminUser}
	// What the demo leaves out: a custom field, an organisation, a webhook,
	// an API token and mail in the log.
	by := adminUser.Actor()
	_, err = e.svc.AddField(ctx, by, helpdesk.FieldInput{Label: "Modelo", Type: "dropdown", Options: "Básico\nPro", CustomerVisible: true, Required: true})
	require.NoError(t, err)
	_, err = e.svc.SaveOrganisation(ctx, by, 0, helpdesk.OrganisationInput{Name: "Ferretería Sol", Domains: "ferreteria.example", SharedTickets: true})
	require.NoError(t, err)
	_, _, err = e.svc.CreateWebhook(ctx, by, helpdesk.WebhookInput{URL: "https://hooks.example.com/atiende",
		Events: []string{helpdesk.HookTicketCreated}, Active: true})
	require.NoError(t, err)
	_, _, err = e.svc.CreateAPIToken(ctx, by, helpdesk.APITokenInput{Name: "CRM", Scopes: []string{string(helpdesk.ScopeTicketsRead)},
		Language: "es", Expires: time.Now().AddDate(0, 1, 0).Format("2006-01-02"), Location: time.UTC})
	require.NoError(t, err)
	seedMailLog(t, e, d, 5, time.Now())

	for _, lang := range []string{"es", "en"} {
		admin := e.client()
		admin.login(d, d.admin)
		admin.header.Set("Cookie", "atiende_lang="+lang)
		read := walkAdmin(t, admin, adminPath(d, "/"), func(path string, r response) {
			txt := visibleText(r.doc)
			for _, w := range rawWords {
				for _, m := range w.re.FindAllString(txt, 3) {
					assert.Failf(t, "internal value on an admin page", "%s %s: %s %q in …%s…", lang, path, w.what, m, around(txt, m))
				}
			}
		})
		assert.Greater(t, read, 25, "%s: the walk reached the admin pages", lang)
	}
}

// walkAdmin reads the pages linked from start under the same admin prefix,
// at most three of each shape, and hands each HTML page to check. It
// returns how many pages it read.
func walkAdmin(t *testing.T, c *client, start string, check func(string, response)) int {
	t.Helper()
	prefix := strings.TrimSuffix(start, "/")
	seen, shapes := map[string]bool{start: true}, map[string]int{}
	queue := []string{start}
	for len(queue) > 0 && len(seen) < 200 {
		path := queue[0]
		queue = queue[1:]
		r := c.get(path)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			continue
		}
		check(path, r)
		var next []string
		r.doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
			href, _, _ := strings.Cut(a.AttrOr("href", ""), "#")
			if !strings.HasPrefix(href, prefix) || seen[href] || shapes[adminShape(href)] >= 3 {
				return
			}
			seen[href] = true
			shapes[adminShape(href)]++
			next = append(next, href)
		})
		sort.Strings(next)
		queue = append(queue, next...)
	}
	if testing.Verbose() {
		t.Logf("read %d pages: %v", len(seen), shapes)
	}
	return len(seen)
}

// around is the text near m, for the failure message.
func around(txt, m string) string {
	i := strings.Index(txt, m)
	lo, hi := max(0, i-60), min(len(txt), i+len(m)+60)
	return txt[lo:hi]
}

// Every admin form's error summary names each field before its problem and
// links to the field, in both languages.
func TestAdminErrorSummariesNameTheirFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("resumen")
	forms := []struct {
		path string
		form url.Values
	}{
		{"/settings", url.Values{"name": {""}, "language": {"es"}, "time_zone": {"Europa/Madriz"}, "accent_color": {"#1d4ed8"}}},
		{"/categories", url.Values{"name": {""}, "position": {"x"}}},
		{"/groups", url.Values{"name": {""}, "tier": {"0"}}},
		{"/fields", url.Values{"label": {""}, "type": {"dropdown"}}},
		{"/webhooks", url.Values{"url": {"ftp://x"}}},
		{"/api", url.Values{"name": {""}}},
		{"/organisations", url.Values{"name": {""}}},
	}
	for _, lang := range []string{"es", "en"} {
		admin := e.client()
		admin.login(d, d.admin)
		admin.header.Set("Cookie", "atiende_lang="+lang)
		for _, f := range forms {
			res := admin.post(adminPath(d, f.path), f.form)
			require.Equal(t, http.StatusUnprocessableEntity, res.status, "%s %s", lang, f.path)
			links := res.doc.Find(`[data-testid="error-summary"] li a`)
			assert.Positive(t, links.Length(), "%s %s: the summary links to its fields", lang, f.path)
			links.Each(func(_ int, a *goquery.Selection) {
				id := strings.TrimPrefix(a.AttrOr("href", ""), "#")
				assert.Equal(t, 1, res.doc.Find(`[id="`+id+`"]`).Length(), "%s %s: the link to #%s has a field", lang, f.path, id)
				assert.Contains(t, a.Text(), ": ", "%s %s: the line about #%s names its field", lang, f.path, id)
			})
		}
	}
}

// The SLA forms' summaries list their problems too, each named field
// linked.
func TestSLAErrorSummaryListsProblems(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("resumen-sla")
	admin := e.client()
	admin.login(d, d.admin)
	for _, path := range []string{"/sla/calendars", "/sla/policies"} {
		res := admin.post(adminPath(d, path), url.Values{"name": {""}, "time_zone": {"Europa/Madriz"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.status, path)
		assert.Positive(t, res.doc.Find(`[data-testid="sla-errors"] li`).Length(), path)
		link := res.doc.Find(`[data-testid="sla-errors"] a[href="#sla-name"]`)
		assert.Contains(t, link.Text(), "Nombre: ", path)
		assert.Equal(t, 1, res.doc.Find("#sla-name").Length(), path)
	}
}
