package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// session is a signed-in user: the session cookie is all it is.
type session struct {
	email  string
	cookie string
}

// driver holds the shared state of a run: the HTTP client, the sessions,
// and the counters that hand out customers and form keys.
type driver struct {
	plan      Plan
	hc        *http.Client
	agents    []*session
	customers []*session
	ip        atomic.Int64 // next client address for a sign-in
	creations atomic.Int64 // creations so far, which pick the customer
	seq       atomic.Int64

	mu        sync.Mutex
	created   map[string]bool // /received paths seen
	createdOK int
}

func newDriver(p Plan) *driver {
	tr := &http.Transport{
		MaxIdleConns:        2048,
		MaxIdleConnsPerHost: 2048,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &driver{
		plan: p,
		hc: &http.Client{
			Transport: tr,
			Timeout:   30 * time.Second,
			// Redirects are answers to measure, not to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		created: map[string]bool{},
	}
}

// errStatus is a response with an unexpected status.
type errStatus int

func (e errStatus) Error() string { return "status " + strconv.Itoa(int(e)) }

// response is what an operation needs from an answer.
type response struct {
	status   int
	location string
	body     []byte
}

// send makes one request as s (nil: signed out) and reads the whole answer,
// keeping the body only when keep is set.
func (d *driver) send(ctx context.Context, s *session, method, path string, form url.Values, header http.Header, keep bool) (response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, d.plan.BaseURL+path, body)
	if err != nil {
		return response{}, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if s != nil {
		req.Header.Set("Cookie", s.cookie)
	}
	resp, err := d.hc.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	out := response{status: resp.StatusCode, location: resp.Header.Get("Location")}
	if keep {
		out.body, err = io.ReadAll(resp.Body)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	return out, err
}

const sessionCookie = "atiende_session"

// clientIP returns a fresh address in 10.0.0.0/8 for one sign-in.
func (d *driver) clientIP() string {
	n := d.ip.Add(1)
	return fmt.Sprintf("10.%d.%d.%d", (n>>16)&255, (n>>8)&255, n&255)
}

// signIn posts the login form and returns the session it opened.
func (d *driver) signIn(ctx context.Context, email string) (*session, response, error) {
	form := url.Values{"email": {email}, "password": {d.plan.Password}}
	h := http.Header{}
	if d.plan.ForwardedFor != "" {
		h.Set(d.plan.ForwardedFor, d.clientIP())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.plan.BaseURL+"/"+d.plan.Tenant+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, response{}, err
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := d.hc.Do(req)
	if err != nil {
		return nil, response{}, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	out := response{status: resp.StatusCode, location: resp.Header.Get("Location")}
	if resp.StatusCode != http.StatusSeeOther {
		return nil, out, errStatus(resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return &session{email: email, cookie: c.Name + "=" + c.Value}, out, nil
		}
	}
	return nil, out, errors.New("no session cookie")
}

// signInAll opens the sessions of every agent and customer of the plan,
// four at a time (the server hashes at most one password per core, so two
// more keep it busy without queueing many).
func (d *driver) signInAll(ctx context.Context) (Result, error) {
	rec := newRecorder()
	start := time.Now()
	type job struct {
		email string
		agent bool
		i     int
	}
	d.agents = make([]*session, len(d.plan.Agents))
	d.customers = make([]*session, len(d.plan.Customers))
	jobs := make(chan job)
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	for range 4 {
		wg.Go(func() {
			for j := range jobs {
				t := time.Now()
				s, _, err := d.signIn(ctx, j.email)
				if err != nil {
					rec.fail("login", kindOf(err), time.Since(t))
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("sign in %s: %w", j.email, err)
					}
					mu.Unlock()
					continue
				}
				rec.ok("login", time.Since(t))
				if j.agent {
					d.agents[j.i] = s
				} else {
					d.customers[j.i] = s
				}
			}
		})
	}
	for i, e := range d.plan.Agents {
		jobs <- job{e, true, i}
	}
	for i, e := range d.plan.Customers {
		jobs <- job{e, false, i}
	}
	close(jobs)
	wg.Wait()
	res := Result{Phase: Phase{Name: "sign in every virtual user", Scenario: "login", Concurrency: 4}}
	rec.result(&res, time.Since(start))
	return res, firstErr
}

func kindOf(err error) string {
	var st errStatus
	switch {
	case errors.As(err, &st):
		return st.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	default:
		return "transport"
	}
}
