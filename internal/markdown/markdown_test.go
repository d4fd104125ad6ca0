package markdown

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRenderFormats(t *testing.T) {
	t.Parallel()
	h, text := New().Render("# Factura\n\nDescarga la **factura** desde [tu cuenta](/demo/account).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![captura](/demo/help/images/123)")
	assert.Contains(t, h, "<h1>Factura</h1>")
	assert.Contains(t, h, "<strong>factura</strong>")
	assert.Contains(t, h, `href="/demo/account"`)
	assert.Contains(t, h, "<table>")
	assert.Contains(t, h, `src="/demo/help/images/123"`)
	assert.Equal(t, "Factura Descarga la factura desde tu cuenta . a b 1 2", text)
}

// Hostile Markdown renders inert: no element, attribute or URL that runs.
func TestRenderHostileIsInert(t *testing.T) {
	t.Parallel()
	cases := []string{
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
		"![x](https://evil.example/track.png)",
		"<svg onload=alert(1)><script>alert(1)</script></svg>",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<div hx-get=\"/x\" hx-trigger=\"load\">x</div>",
		"<iframe src=\"https://evil.example\"></iframe>",
		"<style>body{display:none}</style>",
		"[x](vbscript:msgbox)",
		"<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
		"<form action=\"https://evil.example\"><input name=p></form>",
		"[x](  javascript:alert(1))",
		"<p style=\"background:url(javascript:alert(1))\">x</p>",
		"[x](&#106;avascript:alert(1))",
	}
	for _, src := range cases {
		h, _ := New().Render(src)
		low := strings.ToLower(h)
		for _, bad := range []string{"<script", "onerror", "onload", "javascript:", "vbscript:", "data:", "<svg", "<iframe",
			"hx-", "<style", "style=", "evil.example/track", "<form", "<math", "xlink"} {
			assert.NotContains(t, low, bad, "%q rendered as %q", src, h)
		}
	}
}

func TestRenderDropsSnippetMarkers(t *testing.T) {
	t.Parallel()
	h, text := New().Render("a\uE000b\uE001c")
	assert.Equal(t, "<p>abc</p>", h)
	assert.Equal(t, "abc", text)
}
