package mail

import (
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// HTML from email is sanitised with an allow-list policy (SECURITY.md "HTML
// from email"): text formatting, lists, tables and links only. Nothing
// that runs or styles survives: no script or style elements, no style,
// class, id, event-handler or data-* attributes (so no hx-* or data-hx-*
// either), no forms, frames or embeds. Images keep their alt text but lose
// their src, so a remote image (a tracking pixel) is never fetched; inline
// images are kept as the comment's attachments instead.

var (
	policyOnce sync.Once
	policy     *bluemonday.Policy
)

func htmlPolicy() *bluemonday.Policy {
	policyOnce.Do(func() {
		p := bluemonday.NewPolicy()
		p.AllowElements("p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "strike", "del", "ins",
			"blockquote", "pre", "code", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "sub", "sup", "small", "big",
			"abbr", "cite", "q", "dl", "dt", "dd", "center", "font")
		p.AllowLists()
		p.AllowTables()
		p.AllowAttrs("colspan", "rowspan").OnElements("td", "th")
		p.AllowAttrs("href").OnElements("a")
		p.AllowURLSchemes("http", "https", "mailto")
		p.RequireParseableURLs(true)
		p.RequireNoFollowOnLinks(true)
		p.RequireNoReferrerOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		p.AllowAttrs("alt", "title").OnElements("img")
		p.AllowElements("img")
		p.AllowAttrs("title").Globally()
		p.SkipElementsContent("script", "style", "head", "title", "noscript", "template", "iframe", "object")
		p.AddSpaceWhenStrippingTag(true)
		policy = p
	})
	return policy
}

// SanitizeHTML returns html safe to show inside a page.
func SanitizeHTML(html string) string {
	out := htmlPolicy().Sanitize(cleanString(html))
	return strings.TrimSpace(out)
}

// cleanString drops NUL bytes and replaces invalid UTF-8.
func cleanString(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
}
