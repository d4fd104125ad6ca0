package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var hashedURL = regexp.MustCompile(`^/static/[a-z]+/[A-Za-z0-9._-]+\.[0-9a-f]{10}\.[A-Za-z0-9]+$`)

// get serves one request through StaticHandler mounted the way the router
// mounts it (behind http.StripPrefix) and at the full path (as with chi's
// /static/* without StripPrefix); both must answer the same.
func get(t *testing.T, target string, header http.Header) *http.Response {
	t.Helper()
	var last *http.Response
	for _, h := range []http.Handler{
		http.StripPrefix("/static", StaticHandler()),
		StaticHandler(),
	} {
		// NewRequest keeps the path as given: no cleaning of "..".
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for k, v := range header {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		if last != nil {
			require.Equal(t, last.StatusCode, res.StatusCode, "status differs between mount styles for %q", target)
		}
		last = res
	}
	return last
}

func readBody(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return b
}

func TestAssetResolves(t *testing.T) {
	for _, name := range []string{"css/app.css", "js/htmx.min.js", "js/app.js", "img/logo.svg", "img/favicon.svg"} {
		t.Run(name, func(t *testing.T) {
			u := Asset(name)
			assert.Regexp(t, hashedURL, u)
			dir, file := filepath.Split(name)
			base := strings.TrimSuffix(file, filepath.Ext(file))
			assert.True(t, strings.HasPrefix(u, "/static/"+dir+base+"."), u)
			assert.True(t, strings.HasSuffix(u, filepath.Ext(file)), u)
			assert.Equal(t, u, Asset("/"+name), "a leading slash is tolerated")
		})
	}
	assert.Equal(t, "/static/css/nope.css", Asset("css/nope.css"), "unknown names fall back to the plain path")
}

func TestServeHashedAsset(t *testing.T) {
	tests := []struct {
		name  string
		ctype string
	}{
		{"css/app.css", "text/css; charset=utf-8"},
		{"js/htmx.min.js", "text/javascript; charset=utf-8"},
		{"js/app.js", "text/javascript; charset=utf-8"},
		{"img/logo.svg", "image/svg+xml"},
		{"img/favicon.svg", "image/svg+xml"},
		{"js/htmx.LICENSE", "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want, err := fs.ReadFile(Static, "static/"+tt.name)
			require.NoError(t, err)

			res := get(t, Asset(tt.name), nil)
			require.Equal(t, http.StatusOK, res.StatusCode)
			assert.Equal(t, tt.ctype, res.Header.Get("Content-Type"))
			assert.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			assert.Empty(t, res.Header.Get("Content-Encoding"))
			assert.NotEmpty(t, res.Header.Get("ETag"))
			assert.Equal(t, want, readBody(t, res))
		})
	}
}

func TestEveryEmbeddedFileIsServed(t *testing.T) {
	err := fs.WalkDir(Static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		res := get(t, Asset(name), nil)
		assert.Equal(t, http.StatusOK, res.StatusCode, name)
		return nil
	})
	require.NoError(t, err)
}

func TestNotFound(t *testing.T) {
	css := Asset("css/app.css")
	wrongHash := regexp.MustCompile(`\.[0-9a-f]{10}\.`).ReplaceAllString(css, ".0000000000.")
	require.NotEqual(t, css, wrongHash)
	tests := []struct{ name, path string }{
		{"wrong hash", wrongHash},
		{"unhashed name", "/static/css/app.css"},
		{"unknown file", "/static/css/other.0123456789.css"},
		{"directory", "/static/css/"},
		{"directory without slash", "/static/css"},
		{"root", "/static/"},
		{"dot-dot", "/static/../go.mod"},
		{"dot-dot into web", "/static/../static.go"},
		{"encoded dot-dot", "/static/%2e%2e/go.mod"},
		{"encoded slash and dot-dot", "/static/css%2f..%2f..%2fstatic.go"},
		{"dot-dot inside a hashed name", "/static/css/../" + strings.TrimPrefix(css, "/static/")},
		{"double slash", "/static//" + strings.TrimPrefix(css, "/static/")},
		{"backslash", "/static/css%5c" + filepath.Base(css)},
		{"go source", "/static.go"},
		{"embed prefix", "/static/static/css/app.css"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := get(t, tt.path, nil)
			assert.Equal(t, http.StatusNotFound, res.StatusCode)
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			assert.NotContains(t, res.Header.Get("Cache-Control"), "immutable")
			assert.NotContains(t, string(readBody(t, res)), "package")
		})
	}
}

func TestTraversalThroughARealServer(t *testing.T) {
	// A real server and client, so nothing cleans the path for us that
	// would not be cleaned in production either.
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static", StaticHandler()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	for _, p := range []string{"/static/../go.mod", "/static/%2e%2e/go.mod", "/static/%2e%2e%2fgo.mod", "/static/..%2f..%2fgo.mod"} {
		req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
		require.NoError(t, err)
		req.URL.Opaque = p // sent verbatim
		res, err := client.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.NotEqual(t, http.StatusOK, res.StatusCode, p)
		assert.NotContains(t, string(body), "module github.com/atiende/atiende", p)
	}
}

func TestGzip(t *testing.T) {
	u := Asset("js/htmx.min.js")
	want, err := fs.ReadFile(Static, "static/js/htmx.min.js")
	require.NoError(t, err)

	res := get(t, u, http.Header{"Accept-Encoding": {"br, gzip, deflate"}})
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
	assert.Equal(t, "Accept-Encoding", res.Header.Get("Vary"))
	assert.Equal(t, "text/javascript; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))
	body := readBody(t, res)
	assert.Less(t, len(body), len(want)/2)
	zr, err := gzip.NewReader(bytes.NewReader(body))
	require.NoError(t, err)
	got, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	plain := get(t, u, nil)
	assert.Empty(t, plain.Header.Get("Content-Encoding"))
	assert.Equal(t, "Accept-Encoding", plain.Header.Get("Vary"), "caches must key on Accept-Encoding either way")
	assert.NotEqual(t, plain.Header.Get("ETag"), res.Header.Get("ETag"), "each encoding has its own ETag")

	refused := get(t, u, http.Header{"Accept-Encoding": {"gzip;q=0, identity"}})
	assert.Empty(t, refused.Header.Get("Content-Encoding"))
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"deflate, gzip;q=1.0, *;q=0.5", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"br", false},
		{"*", true},
		{"*;q=0", false},
		{"gzip;q=0, *", false},
		{"identity", false},
		{"x-gzip", true},
		{"gzip;q=bogus", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, acceptsGzip([]string{tt.header}), "%q", tt.header)
	}
}

func TestConditionalRequests(t *testing.T) {
	u := Asset("css/app.css")
	for _, enc := range []string{"", "gzip"} {
		h := http.Header{}
		if enc != "" {
			h.Set("Accept-Encoding", enc)
		}
		first := get(t, u, h)
		etag := first.Header.Get("ETag")
		require.NotEmpty(t, etag)
		h.Set("If-None-Match", etag)
		again := get(t, u, h)
		assert.Equal(t, http.StatusNotModified, again.StatusCode, "encoding %q", enc)
		assert.Empty(t, readBody(t, again))
	}
}

func TestMethods(t *testing.T) {
	u := Asset("css/app.css")
	head := httptest.NewRequest(http.MethodHead, u, nil)
	rec := httptest.NewRecorder()
	StaticHandler().ServeHTTP(rec, head)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, rec.Body.Bytes())
	assert.NotEmpty(t, rec.Header().Get("Content-Length"))

	post := httptest.NewRequest(http.MethodPost, u, strings.NewReader("x"))
	rec = httptest.NewRecorder()
	StaticHandler().ServeHTTP(rec, post)
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
}

func TestHtmxIsVendored2x(t *testing.T) {
	js, err := fs.ReadFile(Static, "static/js/htmx.min.js")
	require.NoError(t, err)
	assert.Regexp(t, `version:"2\.\d+\.\d+"`, string(js))
	lic, err := fs.ReadFile(Static, "static/js/htmx.LICENSE")
	require.NoError(t, err)
	assert.Contains(t, string(lic), "Zero-Clause BSD")
}

// assetCall finds web.Asset("…") in templates and Go code.
var assetCall = regexp.MustCompile(`\bAsset\(\s*"([^"]+)"\s*\)`)

// TestViewsUseExistingAssets reads every .templ and .go file under web/ and
// checks that each Asset("…") names an embedded file, so a typo fails here
// rather than as a 404 in a browser.
func TestViewsUseExistingAssets(t *testing.T) {
	seen := 0
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == "static" || p == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".templ") && !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || p == "static.go" {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range assetCall.FindAllStringSubmatch(string(src), -1) {
			seen++
			_, ok := assets[m[1]]
			assert.True(t, ok, "%s uses Asset(%q), which is not under web/static", p, m[1])
		}
		return nil
	})
	require.NoError(t, err)
	t.Logf("checked %d Asset calls", seen)
}

// The layout links these; keep them in the bundle.
func TestLayoutAssetsExist(t *testing.T) {
	for _, name := range []string{"css/app.css", "js/htmx.min.js", "js/app.js", "img/logo.svg", "img/favicon.svg"} {
		_, ok := assets[name]
		assert.True(t, ok, name)
	}
}
