package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// apiSpec is the embedded OpenAPI document, loaded and validated once.
var apiSpec = sync.OnceValues(func() (*openapi3.T, error) {
	b, err := os.ReadFile("api_openapi.json")
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(context.Background())
})

// specPath finds the document's path template for a request path under
// /{tenant}/api/v1, segment by segment.
func specPath(doc *openapi3.T, path string) (string, *openapi3.PathItem) {
	parts := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 4)
	if len(parts) < 4 {
		return "", nil
	}
	rest := strings.Split("/"+parts[3], "/")
	for key, item := range doc.Paths.Map() {
		tmpl := strings.Split(key, "/")
		if len(tmpl) != len(rest) {
			continue
		}
		ok := true
		for i := range tmpl {
			if tmpl[i] != rest[i] && !(strings.HasPrefix(tmpl[i], "{") && rest[i] != "") {
				ok = false
				break
			}
		}
		if ok && (key != "/tickets/{number}" || rest[2] != "search") {
			return key, item
		}
	}
	return "", nil
}

// checkAgainstSpec fails the test when a response is not what the
// document says the operation answers.
func checkAgainstSpec(t *testing.T, method, path string, res apiResponse) {
	t.Helper()
	doc, err := apiSpec()
	require.NoError(t, err, "the OpenAPI document must be valid")
	key, item := specPath(doc, strings.SplitN(path, "?", 2)[0])
	require.NotNil(t, item, "%s %s is not in the OpenAPI document", method, path)
	op := item.GetOperation(method)
	require.NotNil(t, op, "%s %s (%s) is not in the OpenAPI document", method, path, key)
	ref := op.Responses.Status(res.status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	require.NotNil(t, ref, "%s %s: status %d is not documented", method, key, res.status)
	mt, _, _ := mime.ParseMediaType(res.header.Get("Content-Type"))
	media := ref.Value.Content.Get(mt)
	require.NotNil(t, media, "%s %s: %d answered %q, not documented", method, key, res.status, mt)
	if mt != "application/json" && mt != "application/problem+json" {
		return
	}
	var v any
	require.NoError(t, json.Unmarshal(res.body, &v), "%s %s: body is not JSON", method, key)
	require.NoError(t, media.Schema.Value.VisitJSON(v, openapi3.EnableJSONSchema2020()),
		"%s %s → %d does not match the document: %s", method, key, res.status, res.body)
}

// apiClient calls the API with one token.
type apiClient struct {
	t     *testing.T
	e     *env
	token string
	http  *http.Client
}

func (e *env) apiClient(token string) *apiClient {
	return &apiClient{t: e.t, e: e, token: token, http: &http.Client{Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map, for assertions.
func (r apiResponse) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), string(r.body))
	return m
}

// call sends body (nil, a string, or anything to marshal) with headers
// given as name, value pairs; the answer is checked against the document.
func (c *apiClient) call(method, path string, body any, headers ...string) apiResponse {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(c.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.e.url+path, rd)
	require.NoError(c.t, err)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	out := apiResponse{status: res.StatusCode, header: res.Header, body: b}
	checkAgainstSpec(c.t, method, path, out)
	return out
}

// apiToken creates a token of d acting as the integration named name.
func (e *env) apiToken(d desk, name string, scopes ...helpdesk.APIScope) string {
	e.t.Helper()
	return e.apiTokenAs(d, name, "integration", scopes...)
}

func (e *env) apiTokenAs(d desk, name, actingAs string, scopes ...helpdesk.APIScope) string {
	e.t.Helper()
	sc := make([]string, len(scopes))
	for i, s := range scopes {
		sc[i] = string(s)
	}
	_, secret, err := e.svc.CreateAPIToken(context.Background(), d.admin.Actor(), helpdesk.APITokenInput{
		Name: name, Scopes: sc, ActingAs: actingAs, Language: "en"})
	require.NoError(e.t, err)
	return secret
}

func apiBase(d desk) string { return "/" + d.tenant.Slug + "/api/v1" }
