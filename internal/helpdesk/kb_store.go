package helpdesk

import (
	"context"
	"time"
)

// KBStore is what the knowledge base persists.
type KBStore interface {
	KBSettings(ctx context.Context, tenant TenantID) (KBSettings, error)
	SaveKBSettings(ctx context.Context, tenant TenantID, s KBSettings) error
	// KBEditors lists the agents holding the editor flag.
	KBEditors(ctx context.Context, tenant TenantID) ([]UserID, error)
	SetKBEditor(ctx context.Context, tenant TenantID, user UserID, on bool) error

	// KBCategories lists the categories in order, each with its sections.
	KBCategories(ctx context.Context, tenant TenantID) ([]KBCategory, error)
	SaveKBCategory(ctx context.Context, tenant TenantID, c KBCategory) (KBCategory, error)
	SaveKBSection(ctx context.Context, tenant TenantID, s KBSection) (KBSection, error)

	KBArticle(ctx context.Context, tenant TenantID, id KBArticleID) (KBArticle, error)
	// KBArticles lists the articles q selects, one per translation group
	// when q.Lang is set (the version in that language when there is one).
	KBArticles(ctx context.Context, tenant TenantID, q KBListQuery) ([]KBArticle, error)
	// KBTranslations lists the articles of a translation group.
	KBTranslations(ctx context.Context, tenant TenantID, group KBArticleID) ([]KBArticle, error)
	// SaveKBArticle inserts (ID zero) or updates a (failing with
	// ErrConflict unless the stored version is a.Version-1), then records
	// rev as the next revision and a search document for the new version.
	SaveKBArticle(ctx context.Context, tenant TenantID, a KBArticle, rev KBRevision) (KBArticle, error)
	DeleteKBArticle(ctx context.Context, tenant TenantID, id KBArticleID) error
	KBRevisions(ctx context.Context, tenant TenantID, id KBArticleID) ([]KBRevision, error)
	KBRevision(ctx context.Context, tenant TenantID, id KBArticleID, number int) (KBRevision, error)

	SaveKBImage(ctx context.Context, tenant TenantID, article KBArticleID, img NewAttachment, at time.Time) (KBImage, error)
	KBImage(ctx context.Context, tenant TenantID, id KBImageID) (KBImage, []byte, error)

	// SearchKB ranks the published articles of q's audiences.
	SearchKB(ctx context.Context, tenant TenantID, q KBSearchQuery) ([]KBHit, error)

	RecordKBView(ctx context.Context, tenant TenantID, id KBArticleID, audience string, at time.Time) error
	RecordKBVote(ctx context.Context, tenant TenantID, v KBVote) error
	RecordKBSearch(ctx context.Context, tenant TenantID, query, source string, results int, at time.Time) error
	RecordKBSuggestionOpen(ctx context.Context, tenant TenantID, formKey string, id KBArticleID, at time.Time) error
	MarkKBFormSubmitted(ctx context.Context, tenant TenantID, formKey string) error
	KBReport(ctx context.Context, tenant TenantID, since time.Time, deflectAfter time.Time) (KBReport, error)
}

// KBSettings are a desk's knowledge base settings.
type KBSettings struct {
	HelpEnabled bool // the portal's help centre is on
}

// KBListQuery selects articles.
type KBListQuery struct {
	Section   KBSectionID // zero: every section
	Category  KBCategoryID
	Audiences []KBAudience // empty: every audience
	States    []KBState    // empty: every state
	// Lang picks one article per translation group, preferring this
	// language; empty lists every article.
	Lang    string
	Popular bool // most viewed first, else by section position
	Exclude KBArticleID
	Tags    []string // any of them
	// Slug selects the articles of that slug (a translation may share
	// its original's); empty: any.
	Slug string
	// Live leaves out the articles of archived categories (what readers
	// of the help centre may reach).
	Live  bool
	Limit int
}

// KBSearchQuery is a ranked search of published articles; those of
// archived categories are never found.
type KBSearchQuery struct {
	Text      string
	Audiences []KBAudience
	Lang      string // preferred language of a translation group
	Limit     int
	// AnyWord matches articles with any of the words rather than all of
	// them: for suggestions, whose text is a sentence ("no puedo descargar
	// la factura"), and as the help search's second try.
	AnyWord bool
	// WithBody loads each article's Markdown too (the console pastes it).
	WithBody bool
}

// KBHit is a search result: the article, its score and a plain-text
// snippet whose matching words are between KBMarkStart and KBMarkStop.
type KBHit struct {
	Article KBArticle
	Score   float64
	Snippet string
}

// Snippet markers: private-use characters no article contains (the
// renderer drops them), which the view turns into <mark> after escaping.
const (
	KBMarkStart = "\uE000"
	KBMarkStop  = "\uE001"
)

// KBRevision is one saved version of an article.
type KBRevision struct {
	Article    KBArticleID
	Number     int
	Title      string
	Summary    string
	Body       string
	Tags       []string
	Audience   KBAudience
	State      KBState
	Author     UserID
	AuthorName string
	CreatedAt  time.Time
}

// KBVote is a visitor's answer to "was this helpful?".
type KBVote struct {
	Article KBArticleID
	Helpful bool
	Comment string
	User    UserID // zero for a guest
	// Key is the vote form's one-time key: the same key twice is one vote.
	Key string
	At  time.Time
}

// KBImage is an image uploaded into an article.
type KBImage struct {
	ID          KBImageID
	Article     KBArticleID
	Filename    string
	ContentType string
	Size        int64
}

// KBReport is what the reports show of the knowledge base.
type KBReport struct {
	Articles    []KBArticleStats
	EmptySearch []KBQueryCount // searches that found nothing, most frequent first
}

// KBArticleStats are one article's figures over a period.
type KBArticleStats struct {
	Article     KBArticleID
	Title       string
	Views       int
	Helpful     int
	NotHelpful  int
	Deflections int
}

// KBQueryCount is a search text and how often it was searched.
type KBQueryCount struct {
	Query string
	Count int
}
