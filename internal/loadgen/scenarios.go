package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"
)

// vu is one virtual user's view of the run: its index (which partitions
// the tickets it replies to) and its random source.
type vu struct {
	i, of int
	rng   *mrand.Rand
}

// op performs one operation as v, starting at start (the scheduled instant
// in open-loop phases), and records it.
type op func(d *driver, ctx context.Context, v *vu, rec *recorder, start time.Time)

// Scenarios are the operations a phase may run alone; "mixed" draws from
// them by weight.
var scenarios = map[string]op{
	"queue":          (*driver).queue,
	"ticket":         (*driver).ticket,
	"ticket50":       (*driver).ticketLong,
	"reply":          (*driver).reply,
	"create":         (*driver).create,
	"mytickets":      (*driver).myTickets,
	"search_console": (*driver).searchConsole,
	"search_portal":  (*driver).searchPortal,
	"reports":        (*driver).reports,
	"reports_year":   (*driver).reportsYear,
	"ceiling":        (*driver).ceiling,
	"floor":          (*driver).floor,
	"login":          (*driver).login,
	"api_create":     (*driver).apiCreate,
	"api_list":       (*driver).apiList,
}

// mix is the mixed workload: mostly agents reading queues and tickets, as
// in a working desk, with writes and searches.
var mix = []struct {
	name   string
	weight int
}{
	{"queue", 35}, {"ticket", 25}, {"reply", 10}, {"mytickets", 10}, {"create", 8},
	{"search_console", 6}, {"search_portal", 6},
}

func (d *driver) mixed(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	n := v.rng.IntN(100)
	for _, m := range mix {
		if n < m.weight {
			scenarios[m.name](d, ctx, v, rec, start)
			return
		}
		n -= m.weight
	}
}

// get requests path as s and records it under name, expecting want.
func (d *driver) get(ctx context.Context, rec *recorder, name string, s *session, path string, want int, start time.Time) {
	r, err := d.send(ctx, s, http.MethodGet, path, nil, nil, false)
	d.record(rec, name, r, err, want, start)
}

func (d *driver) record(rec *recorder, name string, r response, err error, want int, start time.Time) bool {
	el := time.Since(start)
	switch {
	case err != nil:
		rec.fail(name, kindOf(err), el)
	case r.status != want:
		rec.fail(name, errStatus(r.status).Error(), el)
	default:
		rec.ok(name, el)
		return true
	}
	return false
}

func (d *driver) agent(v *vu) *session { return d.agents[v.i%len(d.agents)] }

func (d *driver) tenantPath(p string) string { return "/" + d.plan.Tenant + p }

func (d *driver) queue(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	d.get(ctx, rec, "queue", d.agent(v), d.tenantPath("/agent/"), http.StatusOK, start)
}

func (d *driver) ticket(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	n := d.plan.Tickets[v.rng.IntN(len(d.plan.Tickets))]
	d.get(ctx, rec, "ticket", d.agent(v), d.tenantPath("/agent/tickets/"+strconv.FormatInt(n, 10)), http.StatusOK, start)
}

func (d *driver) ticketLong(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	n := d.plan.LongTickets[v.rng.IntN(len(d.plan.LongTickets))]
	d.get(ctx, rec, "ticket50", d.agent(v), d.tenantPath("/agent/tickets/"+strconv.FormatInt(n, 10)), http.StatusOK, start)
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// reply loads a ticket page (recorded as "ticket") for the version the form
// carries, then posts a public reply (recorded as "reply"). Each virtual
// user replies to its own share of the tickets, so two never race on one
// ticket in closed-loop phases.
func (d *driver) reply(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	share := len(d.plan.Tickets) / max(1, v.of)
	k := v.rng.IntN(max(1, share))*max(1, v.of) + v.i%max(1, v.of)
	n := d.plan.Tickets[k%len(d.plan.Tickets)]
	path := d.tenantPath("/agent/tickets/" + strconv.FormatInt(n, 10))
	s := d.agent(v)
	r, err := d.send(ctx, s, http.MethodGet, path, nil, nil, true)
	if !d.record(rec, "ticket", r, err, http.StatusOK, start) {
		return
	}
	m := versionField.FindSubmatch(r.body)
	if m == nil {
		rec.fail("reply", "no version field", 0)
		return
	}
	form := url.Values{
		"version": {string(m[1])}, "visibility": {"public"}, "status": {""},
		"body": {fmt.Sprintf("Hola,\n\nHemos revisado su consulta y aplicado los cambios necesarios (%d). Un saludo.", d.seq.Add(1))},
	}
	t := time.Now()
	r, err = d.send(ctx, s, http.MethodPost, path+"/reply", form, nil, false)
	d.record(rec, "reply", r, err, http.StatusSeeOther, t)
}

// formKey is shaped like the server's own (18 random bytes, base64url):
// the portal's form carries one so a resubmission opens nothing new.
func formKey() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var errNoCustomer = errors.New("every customer reached its creation allowance")

// customerForCreate hands out customers so that none opens more tickets
// than MaxCreatesPerCustomer in the whole run. They take turns, so that
// concurrent creations come from different customers: the server refuses
// a fourth upload in flight from one user (maxUploadsPerClient in
// internal/server), as it would from a person.
func (d *driver) customerForCreate() (*session, error) {
	k := int(d.creations.Add(1) - 1)
	if len(d.customers) == 0 || k >= len(d.customers)*max(1, d.plan.MaxCreatesPerCustomer) {
		return nil, errNoCustomer
	}
	return d.customers[k%len(d.customers)], nil
}

func (d *driver) customer(v *vu) *session { return d.customers[v.rng.IntN(len(d.customers))] }

// create opens a ticket through the portal form. Every success must land
// on a ticket of its own: the /received paths are counted at the end.
func (d *driver) create(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	s, err := d.customerForCreate()
	if err != nil {
		rec.fail("create", "customers exhausted", 0)
		return
	}
	n := d.seq.Add(1)
	form := url.Values{
		"key":         {formKey()},
		"subject":     {fmt.Sprintf("No puedo descargar la factura de octubre (ref. %d)", n)},
		"description": {"Hola,\n\nAl pulsar en descargar la factura aparece un error y no se descarga nada. ¿Pueden ayudarme?\n\nGracias."},
		"urgency":     {"medium"},
		"impact":      {"low"},
	}
	r, err := d.send(ctx, s, http.MethodPost, d.tenantPath("/tickets/new"), form, nil, false)
	if d.record(rec, "create", r, err, http.StatusSeeOther, start) {
		d.mu.Lock()
		d.created[r.location] = true
		d.createdOK++
		d.mu.Unlock()
	}
}

func (d *driver) myTickets(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	d.get(ctx, rec, "mytickets", d.customer(v), d.tenantPath("/tickets"), http.StatusOK, start)
}

func (d *driver) word(v *vu) string { return d.plan.SearchWords[v.rng.IntN(len(d.plan.SearchWords))] }

// searchConsole is an agent's search over every ticket of the desk (the
// "all" view's search box: subjects by trigram, or a number).
func (d *driver) searchConsole(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	d.get(ctx, rec, "search_console", d.agent(v), d.tenantPath("/agent/views/all?q="+url.QueryEscape(d.word(v))), http.StatusOK, start)
}

// searchPortal is a customer's full-text search of their own tickets.
func (d *driver) searchPortal(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	d.get(ctx, rec, "search_portal", d.customer(v), d.tenantPath("/tickets?q="+url.QueryEscape(d.word(v))), http.StatusOK, start)
}

// ceiling requests the no-database handler: the HTTP stack's own cost.
func (d *driver) ceiling(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.plan.CeilingURL, nil)
	if err != nil {
		rec.fail("ceiling", "request", 0)
		return
	}
	resp, err := d.hc.Do(req)
	var r response
	if err == nil {
		r.status = resp.StatusCode
		_, err = discard(resp)
	}
	d.record(rec, "ceiling", r, err, http.StatusOK, start)
}

// floor requests the bare page floor as an agent: the same session cookie
// and tenant path as the queue page, on the floor's own address.
func (d *driver) floor(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.plan.FloorURL+d.tenantPath("/agent/"), nil)
	if err != nil {
		rec.fail("floor", "request", 0)
		return
	}
	req.Header.Set("Cookie", d.agent(v).cookie)
	resp, err := d.hc.Do(req)
	var r response
	if err == nil {
		r.status = resp.StatusCode
		_, err = discard(resp)
	}
	d.record(rec, "floor", r, err, http.StatusOK, start)
}

// login signs a customer in from a fresh address (each sign-in hashes a
// password: this is the argon2id cost under load).
func (d *driver) login(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	email := d.plan.Customers[v.rng.IntN(len(d.plan.Customers))]
	_, r, err := d.signIn(ctx, email)
	var st errStatus
	if errors.As(err, &st) {
		err = nil
	}
	d.record(rec, "login", r, err, http.StatusSeeOther, start)
}

// reports loads the reports overview over the default 30 days: the
// agent's own figures (bench agents lead no group).
func (d *driver) reports(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	d.get(ctx, rec, "reports", d.agent(v), d.tenantPath("/agent/reports"), http.StatusOK, start)
}

// reportsYear loads the reports overview over the last 365 days.
func (d *driver) reportsYear(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	today := time.Now().UTC()
	q := "?period=custom&from=" + today.AddDate(0, 0, -364).Format(time.DateOnly) + "&to=" + today.Format(time.DateOnly)
	d.get(ctx, rec, "reports_year", d.agent(v), d.tenantPath("/agent/reports"+q), http.StatusOK, start)
}
