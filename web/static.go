// Package web holds Atiende's HTML views and the static assets they link.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// Static holds the files under web/static (css/, js/, img/). Pages never
// link them by their plain names: they use [Asset], and [StaticHandler]
// serves them.
//
//go:embed static
var Static embed.FS

// staticPrefix is where the router mounts [StaticHandler].
const staticPrefix = "/static/"

// immutable is safe because every URL carries its content's hash: a changed
// file gets a new URL, so a cached copy never goes stale.
const immutable = "public, max-age=31536000, immutable"

// asset is one embedded file, ready to serve.
type asset struct {
	url    string // public URL, e.g. /static/css/app.0123456789.css
	ctype  string
	data   []byte
	etag   string
	gz     []byte // nil when the type does not compress or gzip does not help
	gzEtag string
}

// assets maps a name relative to web/static ("css/app.css") to its asset;
// byPath maps the hashed path after /static/ ("css/app.0123456789.css") to
// the same. Both are built once at start-up and only read afterwards.
var assets, byPath = loadAssets(Static)

// Asset returns the public, content-hashed URL of a file under web/static,
// e.g. Asset("css/app.css") == "/static/css/app.0123456789.css". An unknown
// name returns its plain path, which [StaticHandler] answers with 404: the
// page still renders, and a test checks that the names the views use exist.
func Asset(name string) string {
	name = strings.TrimPrefix(name, "/")
	if a, ok := assets[name]; ok {
		return a.url
	}
	return staticPrefix + name
}

// StaticHandler serves the files of [Static] at their hashed URLs with
// year-long immutable caching, an exact Content-Type, nosniff, ETag and
// conditional requests, and gzip for text types when the client accepts it.
// Anything else, including a plain name, an outdated hash, a directory or a
// path with "..", is 404: lookups are exact matches in a table of the
// embedded files, so nothing outside them can be reached.
//
// Mount it at /static/, e.g. r.Handle("/static/*", web.StaticHandler()) with
// chi; it also works behind http.StripPrefix("/static", …).
func StaticHandler() http.Handler {
	return http.HandlerFunc(serveStatic)
}

func serveStatic(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	p, ok := strings.CutPrefix(r.URL.Path, staticPrefix)
	if !ok {
		p = strings.TrimPrefix(r.URL.Path, "/")
	}
	a, ok := byPath[p]
	if !ok {
		// A 404 must not be cached: during a rolling deploy another server
		// may already know the new hash.
		h.Set("Cache-Control", "no-store")
		http.NotFound(w, r)
		return
	}

	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", immutable)
	if a.ctype == "image/svg+xml" {
		// Our own SVGs need nothing; opened directly, they run nothing.
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	}
	body, etag := a.data, a.etag
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Values("Accept-Encoding")) {
			body, etag = a.gz, a.gzEtag
			h.Set("Content-Encoding", "gzip")
		}
	}
	// Each representation has its own strong ETag; ServeContent answers
	// If-None-Match with 304 and handles HEAD and Range.
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip,
// honouring q-values ("gzip;q=0" refuses it) and "*".
func acceptsGzip(headers []string) bool {
	gz, star := -1.0, -1.0
	for _, header := range headers {
		for part := range strings.SplitSeq(header, ",") {
			coding, params, _ := strings.Cut(part, ";")
			q := 1.0
			for param := range strings.SplitSeq(params, ";") {
				k, v, ok := strings.Cut(param, "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if err != nil {
						f = 0
					}
					q = f
				}
			}
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gz = max(gz, q)
			case "*":
				star = max(star, q)
			}
		}
	}
	if gz >= 0 {
		return gz > 0
	}
	return star > 0
}

// contentTypes pins the types of the extensions we ship, so they do not
// depend on the host's mime.types.
var contentTypes = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".map":         "application/json; charset=utf-8",
	".json":        "application/json; charset=utf-8",
	".webmanifest": "application/manifest+json; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".webp":        "image/webp",
	".ico":         "image/x-icon",
	".woff2":       "font/woff2",
	".txt":         "text/plain; charset=utf-8",
	".LICENSE":     "text/plain; charset=utf-8",
}

func contentType(name string) string {
	ext := path.Ext(name)
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") ||
		strings.HasPrefix(ctype, "image/svg+xml") ||
		strings.HasPrefix(ctype, "application/json") ||
		strings.HasPrefix(ctype, "application/manifest+json")
}

// hashedName inserts the hash before the extension:
// "js/htmx.min.js" → "js/htmx.min.0123456789.js".
func hashedName(name, hash string) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

func loadAssets(fsys fs.FS) (map[string]*asset, map[string]*asset) {
	byName := make(map[string]*asset)
	byPath := make(map[string]*asset)
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(data)
		full := hex.EncodeToString(sum[:])
		hashed := hashedName(name, full[:10])
		a := &asset{
			url:   staticPrefix + hashed,
			ctype: contentType(name),
			data:  data,
			etag:  `"` + full[:32] + `"`,
		}
		if compressible(a.ctype) {
			if gz := gzipBytes(data); len(gz) < len(data) {
				a.gz = gz
				a.gzEtag = `"` + full[:32] + `-gz"`
			}
		}
		byName[name] = a
		byPath[hashed] = a
		return nil
	})
	if err != nil {
		// Reading an embed.FS cannot fail short of a broken build.
		panic("web: loading embedded static files: " + err.Error())
	}
	return byName, byPath
}

func gzipBytes(data []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(data)                                    // writes to a bytes.Buffer cannot fail
	_ = zw.Close()
	return buf.Bytes()
}
