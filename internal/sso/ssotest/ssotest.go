// Package ssotest runs a real OpenID Connect provider on loopback for
// tests: zitadel/oidc's OpenID Provider (pkg/op) over the in-memory
// storage of the module's example server, with a login form of a few
// lines. Tests sign in through it the way a browser does: the
// authorization URL, the login form, the redirect back with a code.
package ssotest

import (
	"crypto/sha256"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Client registration the provider knows.
const (
	ClientID     = "atiende"
	ClientSecret = "op-client-secret"
	// Password of every user of the provider.
	Password = "op-password"
)

// User is an account at the provider.
type User struct {
	ID            string // the subject
	Email         string
	EmailVerified bool
	First, Last   string
}

// users implements the example storage's UserStore.
type users map[string]*storage.User

func (u users) GetUserByID(id string) *storage.User { return u[id] }

func (u users) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return x
		}
	}
	return nil
}

func (u users) ExampleClientID() string { return "service" }

// Provider is a running OpenID Provider.
type Provider struct {
	Issuer string
	t      testing.TB
}

// Start runs a provider on loopback that accepts redirectURIs for
// ClientID; its users sign in with their ID as user name.
func Start(t testing.TB, redirectURIs []string, people ...User) *Provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	issuer := "http://" + ln.Addr().String()
	us := users{}
	for _, p := range people {
		us[p.ID] = &storage.User{ID: p.ID, Username: p.ID, Password: Password, FirstName: p.First, LastName: p.Last,
			Email: p.Email, EmailVerified: p.EmailVerified}
	}
	clients := map[string]*storage.Client{ClientID: storage.WebClient(ClientID, ClientSecret, redirectURIs...)}
	st := storage.NewStorageWithClients(us, clients)
	cfg := &op.Config{CryptoKey: sha256.Sum256([]byte("ssotest")), CodeMethodS256: true, AuthMethodPost: true,
		SupportedUILocales: []language.Tag{language.English}}
	p, err := op.NewProvider(cfg, st, op.StaticIssuer(issuer), op.WithAllowInsecure())
	require.NoError(t, err)
	mux := http.NewServeMux()
	// The login form's answer: the provider's storage checks the
	// password, then the provider finishes the authorization request.
	callback := op.AuthCallbackURL(p)
	mux.Handle("POST /login/username", op.NewIssuerInterceptor(p.IssuerFromRequest).HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("id")
		if err := st.CheckUsernamePassword(r.FormValue("username"), r.FormValue("password"), id); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		http.Redirect(w, r, callback(r.Context(), id), http.StatusFound)
	}))
	mux.Handle("/", p)
	srv := httptest.NewUnstartedServer(mux)
	require.NoError(t, srv.Listener.Close())
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return &Provider{Issuer: issuer, t: t}
}

// SignIn follows authURL as a browser would, signs in as user at the
// provider's login form, and returns the redirect back to the client
// (the redirect URI with code and state).
func (p *Provider) SignIn(authURL, user string) *url.URL {
	t := p.t
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	loc := p.step(c, http.MethodGet, authURL, nil)
	login, err := url.Parse(loc)
	require.NoError(t, err)
	id := login.Query().Get("authRequestID")
	require.NotEmpty(t, id, "provider sent the browser to %s", loc)
	loc = p.step(c, http.MethodPost, p.Issuer+"/login/username",
		url.Values{"username": {user}, "password": {Password}, "id": {id}})
	for !strings.HasPrefix(loc, "http") || strings.HasPrefix(loc, p.Issuer) {
		if !strings.HasPrefix(loc, "http") {
			loc = p.Issuer + loc
		}
		loc = p.step(c, http.MethodGet, loc, nil)
	}
	back, err := url.Parse(loc)
	require.NoError(t, err)
	return back
}

// step makes one request and returns where it redirects.
func (p *Provider) step(c *http.Client, method, target string, form url.Values) string {
	t := p.t
	t.Helper()
	var res *http.Response
	var err error
	if form != nil {
		res, err = c.PostForm(target, form)
	} else {
		res, err = c.Get(target)
	}
	require.NoError(t, err)
	res.Body.Close()
	require.Contains(t, []int{http.StatusFound, http.StatusSeeOther}, res.StatusCode, "%s %s", method, target)
	return res.Header.Get("Location")
}
