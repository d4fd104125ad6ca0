// Package layout holds the page shells every Atiende page is rendered in, and
// Chrome, the per-request data those shells need.
package layout

import "github.com/atiende/atiende/internal/i18n"

// Area says which part of the product a page belongs to; the header's
// navigation follows it.
type Area string

const (
	AreaLanding Area = "landing"
	AreaPortal  Area = "portal"
	AreaConsole Area = "console"
	AreaAdmin   Area = "admin"
)

// Chrome is built once per request by the server and passed to every page.
type Chrome struct {
	L      i18n.Lang
	Title  string
	Area   Area
	Tenant *Tenant // nil on the product's own pages
	User   *User   // nil when signed out
	Flash  *Flash
	// Path is the current path, where the language switch returns to.
	Path string
	// Description and Canonical are the page's meta description and
	// canonical URL path, for pages meant to be indexed (the help centre).
	Description string
	Canonical   string
}

// Tenant is what the shell shows of the current help desk.
type Tenant struct {
	Slug string
	Name string
	// Theme is the URL of the desk's stylesheet (its accent colour), and
	// Logo the URL of its logo; empty when the desk has none.
	Theme string
	Logo  string
}

// URL returns the tenant-relative path p (which starts with "/").
func (t Tenant) URL(p string) string { return "/" + t.Slug + p }

// User is the signed-in user as the shell shows them.
type User struct {
	Name  string
	Email string
	Staff bool
	Admin bool
}

// FlashKind is the tone of a one-time message.
type FlashKind string

const (
	FlashSuccess FlashKind = "success"
	FlashError   FlashKind = "error"
	FlashInfo    FlashKind = "info"
)

// Flash is a one-time message shown after a redirect.
type Flash struct {
	Kind    FlashKind
	Message string
}

// PageTitle is the document title: the page, then the desk or product name.
func (c Chrome) PageTitle() string {
	site := "Atiende"
	if c.Tenant != nil {
		site = c.Tenant.Name
	}
	if c.Title == "" {
		return site
	}
	return c.Title + " · " + site
}

// HomeURL is where the brand in the header links to.
func (c Chrome) HomeURL() string {
	switch {
	case c.Tenant == nil:
		return "/"
	case c.Area == AreaConsole:
		return c.Tenant.URL("/agent/")
	case c.Area == AreaAdmin:
		return c.Tenant.URL("/admin/")
	default:
		return c.Tenant.URL("/")
	}
}
