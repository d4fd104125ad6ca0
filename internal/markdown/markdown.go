// Package markdown renders the knowledge base's Markdown into HTML that is
// safe to put in a page, and into plain text for search and snippets.
//
// goldmark parses (CommonMark plus tables, strikethrough, autolinks and task
// lists) without its unsafe mode, so raw HTML in the source is dropped
// before rendering; bluemonday then applies an allow-list to what goldmark
// produced, so nothing that runs or styles survives even if a parser bug
// let it through: no script, style, iframe, object, embed, SVG or form; no
// event-handler, style, class, id or data-*/hx-* attributes; links only to
// http, https, mailto and same-site paths; images only from the help
// centre's own image route. This is the one package whose output the views
// print with templ.Raw.
package markdown

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Renderer implements helpdesk.KBRenderer.
type Renderer struct{}

// New returns a renderer.
func New() Renderer { return Renderer{} }

var (
	once   sync.Once
	md     goldmark.Markdown
	policy *bluemonday.Policy
	strict *bluemonday.Policy
)

// imageSrc is the only image source an article may use: an image uploaded
// into an article of the same desk, served by the help centre.
var imageSrc = regexp.MustCompile(`^/[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?/help/images/[0-9]{1,19}$`)

func setup() {
	md = goldmark.New(goldmark.WithExtensions(extension.GFM))
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
		"blockquote", "pre", "code", "kbd", "sub", "sup")
	p.AllowLists()
	p.AllowTables()
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	p.AllowElements("input")
	p.AllowAttrs("href", "title").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("src").Matching(imageSrc).OnElements("img")
	p.AllowAttrs("alt", "title").OnElements("img")
	p.SkipElementsContent("script", "style", "svg", "math", "iframe", "object", "template", "noscript")
	policy = p
	strict = bluemonday.StrictPolicy()
	strict.AddSpaceWhenStrippingTag(true)
}

// Render returns the sanitised HTML of src and its plain text.
func (Renderer) Render(src string) (string, string) {
	once.Do(setup)
	src = strings.ToValidUTF8(strings.ReplaceAll(src, "\x00", ""), "\uFFFD")
	// The private-use characters that mark search snippets never come from
	// an author.
	src = strings.NewReplacer("\uE000", "", "\uE001", "").Replace(src)
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark writes to a buffer and does not fail on input; if it
		// ever did, the text escaped is still a faithful rendering.
		buf.Reset()
		buf.WriteString("<p>" + html.EscapeString(src) + "</p>")
	}
	out := strings.TrimSpace(policy.Sanitize(buf.String()))
	return out, Text(out)
}

// Text returns the text of sanitised HTML, with white space folded.
func Text(h string) string {
	once.Do(setup)
	t := html.UnescapeString(strict.Sanitize(h))
	return strings.Join(strings.Fields(t), " ")
}
