package helpdesk

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// KB identifiers.
type (
	KBCategoryID int64
	KBSectionID  int64
	KBArticleID  int64
	KBImageID    int64
)

// KBAudience says who may read an article.
type KBAudience string

const (
	KBPublic    KBAudience = "public"    // anyone, signed in or not
	KBCustomers KBAudience = "customers" // signed-in customers and staff
	KBInternal  KBAudience = "internal"  // staff only: the team's playbook
)

// ParseKBAudience turns a stored or submitted value into a KBAudience.
func ParseKBAudience(s string) (KBAudience, error) {
	switch a := KBAudience(s); a {
	case KBPublic, KBCustomers, KBInternal:
		return a, nil
	}
	return "", fmt.Errorf("unknown audience %q", s)
}

func (a KBAudience) String() string { return string(a) }

// KBState is an article's place in its life: drafts are seen by staff
// only, published articles by their audience, archived ones by nobody
// outside the admin list.
type KBState string

const (
	KBDraft     KBState = "draft"
	KBPublished KBState = "published"
	KBArchived  KBState = "archived"
)

// ParseKBState turns a stored or submitted value into a KBState.
func ParseKBState(s string) (KBState, error) {
	switch st := KBState(s); st {
	case KBDraft, KBPublished, KBArchived:
		return st, nil
	}
	return "", fmt.Errorf("unknown state %q", s)
}

func (s KBState) String() string { return string(s) }

// KBLocales are the languages an article may be written in.
var KBLocales = []string{"es", "en"}

func validKBLocale(l string) bool { return l == "es" || l == "en" }

// Audiences returns what a reader may see: a guest public articles only, a
// signed-in customer customers-only ones too, staff everything.
func (a Actor) kbAudiences() []KBAudience {
	switch {
	case a.IsStaff():
		return []KBAudience{KBPublic, KBCustomers, KBInternal}
	case a.Kind == ActorUser && a.Role == RoleCustomer:
		return []KBAudience{KBPublic, KBCustomers}
	default:
		return []KBAudience{KBPublic}
	}
}

// KBCategory groups sections on the help centre's home page.
type KBCategory struct {
	ID            KBCategoryID
	Name, NameEN  string
	Description   string
	DescriptionEN string
	Slug          string
	Position      int
	// Archived hides the category, its sections and their articles from
	// the help centre and from every search, keeping them for the staff.
	Archived bool
	Sections []KBSection
}

// Label is the category's name in lang, falling back to Spanish.
func (c KBCategory) Label(lang string) string { return pick(lang, c.Name, c.NameEN) }

// About is the category's description in lang, falling back to Spanish.
func (c KBCategory) About(lang string) string { return pick(lang, c.Description, c.DescriptionEN) }

// KBSection is an ordered list of articles inside a category.
type KBSection struct {
	ID           KBSectionID
	Category     KBCategoryID
	Name, NameEN string
	Slug         string
	Position     int
}

// Label is the section's name in lang, falling back to Spanish.
func (s KBSection) Label(lang string) string { return pick(lang, s.Name, s.NameEN) }

func pick(lang, es, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return es
}

// KBArticle is one article in one language.
type KBArticle struct {
	ID       KBArticleID
	Section  KBSectionID
	Category KBCategoryID
	// TranslationOf is the article this one translates (zero for the
	// first language written); Group is the id every translation shares.
	TranslationOf KBArticleID
	Locale        string
	Slug          string
	Title         string
	Summary       string
	Body          string // Markdown, as written
	HTML          string // rendered and sanitised at save time
	Text          string // plain text of the body
	Tags          []string
	Audience      KBAudience
	State         KBState
	Position      int
	Author        UserID
	AuthorName    string
	Version       int
	Views         int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	PublishedAt   time.Time
}

// Group is the id the article's translations share.
func (a KBArticle) Group() KBArticleID {
	if a.TranslationOf != 0 {
		return a.TranslationOf
	}
	return a.ID
}

// helpAudiences are what by reads in the portal's help centre: as
// kbAudiences, but internal articles never show there, not even to staff
// (the console is where the team reads its playbook).
func (a Actor) helpAudiences() []KBAudience {
	if a.IsStaff() {
		return []KBAudience{KBPublic, KBCustomers}
	}
	return a.kbAudiences()
}

// visibleTo reports whether a is published and for one of auds (staff
// read drafts and archived articles in the console's editor, not here).
func (a KBArticle) visibleTo(auds []KBAudience) bool {
	return a.State == KBPublished && slices.Contains(auds, a.Audience)
}

// KBArticleInput is what an editor submits.
type KBArticleInput struct {
	Section  KBSectionID
	Locale   string
	Slug     string // empty: made from the title
	Title    string
	Summary  string
	Body     string
	Tags     string // comma separated
	Audience string
	Position int
	// Version is the version the editor loaded (zero for a new article);
	// a save over a newer one is a conflict.
	Version int
}

// Limits of an article.
const (
	maxKBTitle   = 200
	maxKBSummary = 500
	maxKBBody    = 256 << 10
	maxKBTags    = 20
	maxKBTag     = 40
	maxKBSlug    = 100
)

// article checks in and returns the article it describes (without ids,
// state or rendering).
func (in KBArticleInput) article() (KBArticle, error) {
	var v ValidationError
	a := KBArticle{
		Section:  in.Section,
		Locale:   in.Locale,
		Title:    CleanLine(in.Title),
		Summary:  CleanLine(in.Summary),
		Body:     CleanText(in.Body),
		Position: in.Position,
		Version:  in.Version,
	}
	switch n := utf8.RuneCountInString(a.Title); {
	case n == 0:
		v.Add("title", "error.required")
	case n > maxKBTitle:
		v.Add("title", "error.too_long")
	}
	if utf8.RuneCountInString(a.Summary) > maxKBSummary {
		v.Add("summary", "error.too_long")
	}
	if len(a.Body) > maxKBBody {
		v.Add("body", "error.too_long")
	}
	if a.Section <= 0 {
		v.Add("section", "error.required")
	}
	if !validKBLocale(a.Locale) {
		v.Add("locale", "error.invalid")
	}
	au, err := ParseKBAudience(in.Audience)
	if err != nil {
		v.Add("audience", "error.invalid")
	}
	a.Audience = au
	a.Slug = Slugify(in.Slug)
	if strings.TrimSpace(in.Slug) == "" {
		a.Slug = Slugify(a.Title)
	}
	if a.Slug == "" {
		a.Slug = "articulo"
	}
	tags, ok := parseKBTags(in.Tags)
	if !ok {
		v.Add("tags", "kb.error.tags")
	}
	a.Tags = tags
	return a, v.Err()
}

func parseKBTags(s string) ([]string, bool) {
	var out []string
	seen := map[string]bool{}
	for _, t := range strings.Split(s, ",") {
		t = strings.ToLower(CleanLine(t))
		if t == "" || seen[t] {
			continue
		}
		if utf8.RuneCountInString(t) > maxKBTag {
			return nil, false
		}
		seen[t] = true
		out = append(out, t)
	}
	return out, len(out) <= maxKBTags
}

// Slugify makes a URL word of s: lower-case ASCII letters and digits
// joined by single hyphens, accents folded ("Facturación y pagos" →
// "facturacion-y-pagos"), at most maxKBSlug characters.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		r = foldAccent(r)
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r):
			dash = true
		}
		if b.Len() >= maxKBSlug {
			break
		}
	}
	return strings.TrimRight(b.String(), "-")
}

func foldAccent(r rune) rune {
	switch r {
	case 'á', 'à', 'ä', 'â', 'ã':
		return 'a'
	case 'é', 'è', 'ë', 'ê':
		return 'e'
	case 'í', 'ì', 'ï', 'î':
		return 'i'
	case 'ó', 'ò', 'ö', 'ô', 'õ':
		return 'o'
	case 'ú', 'ù', 'ü', 'û':
		return 'u'
	case 'ñ':
		return 'n'
	case 'ç':
		return 'c'
	}
	return r
}

// KBRenderer turns an article's Markdown into sanitised HTML and plain
// text. internal/markdown implements it (goldmark and bluemonday); the
// domain only decides when to render.
type KBRenderer interface {
	Render(markdown string) (html, text string)
}

// WithKB gives the service the knowledge base's Markdown renderer. Without
// it, saving an article fails.
func WithKB(r KBRenderer) Option { return func(s *Service) { s.kbRender = r } }
