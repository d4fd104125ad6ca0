package chaos

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/smtp"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/postgres"
)

// customerPassword is every chaos customer's password.
const customerPassword = "chaos suite password"

// mailPause is each sender's pause between messages.
const mailPause = 250 * time.Millisecond

// retryFor is how long a client keeps retrying one submission, as a
// patient user or a mail server's queue would.
const retryFor = 3 * time.Minute

// createCustomers adds n customers to the demo desk.
func createCustomers(ctx context.Context, db *database, n int) ([]string, error) {
	pool, err := pgxpoolNew(ctx, db.appURL())
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	svc := helpdesk.NewService(postgres.New(pool), password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 2), nil)
	t, err := svc.TenantBySlug(ctx, "demo")
	if err != nil {
		return nil, err
	}
	var out []string
	for i := range n {
		email := fmt.Sprintf("chaos%d@chaos.example", i)
		if _, err := svc.CreateUser(ctx, t.ID, fmt.Sprintf("Cliente %d", i), email, customerPassword, helpdesk.RoleCustomer); err != nil {
			return nil, fmt.Errorf("chaos: customer: %w", err)
		}
		out = append(out, email)
	}
	return out, nil
}

// load drives the server and remembers what it was told.
type load struct {
	srv       *server
	customers []string

	mu       sync.Mutex
	portal   map[string]bool // subject → acknowledged (303)
	mail     map[string]bool // Message-ID → accepted (250)
	statuses map[int]int     // HTTP statuses seen, 0 for no answer
}

func newLoad(srv *server, customers []string) *load {
	return &load{srv: srv, customers: customers, portal: map[string]bool{}, mail: map[string]bool{}, statuses: map[int]int{}}
}

func (l *load) statusCounts() map[int]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[int]int{}
	for k, v := range l.statuses {
		out[k] = v
	}
	return out
}

func (l *load) saw(status int) {
	l.mu.Lock()
	l.statuses[status]++
	l.mu.Unlock()
}

// run starts the clients: they begin new work until work ends and finish
// their retries until all ends. The channel closes when every client is
// done.
func (l *load) run(work, all context.Context, portal, mailers int) <-chan struct{} {
	var wg sync.WaitGroup
	for i := range portal {
		wg.Go(func() { l.portalClient(work, all, i) })
	}
	for i := range mailers {
		wg.Go(func() { l.mailer(work, all, i) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	return done
}

var keyField = regexp.MustCompile(`name="key" value="([^"]+)"`)

// portalClient opens tickets through the signed-in portal form, each
// retried with its form key until acknowledged.
func (l *load) portalClient(work, all context.Context, i int) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ip := fmt.Sprintf("10.9.%d.%d", i/250, i%250+1)
	do := func(method, path string, form url.Values) (int, string, string) {
		req, _ := http.NewRequestWithContext(all, method, l.srv.httpURL+path, strings.NewReader(form.Encode()))
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("X-Forwarded-For", ip)
		res, err := hc.Do(req)
		if err != nil {
			l.saw(0)
			return 0, "", ""
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		l.saw(res.StatusCode)
		return res.StatusCode, res.Header.Get("Location"), string(b)
	}
	for n := 0; work.Err() == nil; n++ {
		email := l.customers[(i+n/25*len(l.customers)/customersPerClient)%len(l.customers)]
		if n%25 == 0 {
			// A fresh customer every 25 tickets keeps each under the
			// portal's allowance of 30 an hour.
			for status := 0; status != http.StatusSeeOther && all.Err() == nil; {
				status, _, _ = do(http.MethodPost, "/demo/login", url.Values{"email": {email}, "password": {customerPassword}})
				if status != http.StatusSeeOther {
					time.Sleep(200 * time.Millisecond)
				}
			}
		}
		var key string
		for key == "" && all.Err() == nil {
			if status, _, body := do(http.MethodGet, "/demo/tickets/new", nil); status == http.StatusOK {
				if m := keyField.FindStringSubmatch(body); m != nil {
					key = m[1]
				}
			}
			if key == "" {
				time.Sleep(200 * time.Millisecond)
			}
		}
		subject := fmt.Sprintf("chaos portal %d-%d", i, n)
		form := url.Values{"key": {key}, "subject": {subject}, "description": {"Fault injection."}, "urgency": {"low"}, "impact": {"low"}}
		l.mu.Lock()
		l.portal[subject] = false
		l.mu.Unlock()
		for until := time.Now().Add(retryFor); time.Now().Before(until) && all.Err() == nil; {
			status, loc, _ := do(http.MethodPost, "/demo/tickets/new", form)
			if status == http.StatusSeeOther && strings.Contains(loc, "/received") {
				l.mu.Lock()
				l.portal[subject] = true
				l.mu.Unlock()
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// mailer sends messages to the desk's address, each retried until the
// server accepts it, as a sending mail server does.
func (l *load) mailer(work, all context.Context, i int) {
	for n := 0; work.Err() == nil; n++ {
		id := fmt.Sprintf("chaos-%d-%d@chaos.example", i, n)
		from := fmt.Sprintf("m%d-%d@chaos.example", i, n)
		msg := "From: Remitente <" + from + ">\r\nTo: demo@localhost\r\nSubject: chaos mail " + id +
			"\r\nMessage-ID: <" + id + ">\r\n\r\nFault injection.\r\n"
		l.mu.Lock()
		l.mail[id] = false
		l.mu.Unlock()
		for until := time.Now().Add(retryFor); time.Now().Before(until) && all.Err() == nil; {
			if err := smtp.SendMail(l.srv.smtp, nil, from, []string{"demo@localhost"}, []byte(msg)); err == nil {
				l.mu.Lock()
				l.mail[id] = true
				l.mu.Unlock()
				break
			}
			time.Sleep(300 * time.Millisecond)
		}
		time.Sleep(mailPause) // a steady stream, not a flood
	}
}
