package helpdesk

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The help centre: what guests, customers and staff read in the portal.
// Every read is scoped by the reader's audiences (a guest only ever sees
// public articles, even in snippets) and only published articles show.

// KBHome is the help centre's home page.
type KBHome struct {
	Categories []KBCategory
	Popular    []KBArticle
}

// KBArticlePage is an article as the help centre shows it.
type KBArticlePage struct {
	Article  KBArticle
	Category KBCategory
	Section  KBSection
	Related  []KBArticle
	// Translations are the other languages the reader may switch to.
	Translations []KBArticle
	// Fallback is set when the reader's language has no version and the
	// article is shown in the other one.
	Fallback bool
}

// helpReader checks that the help centre is on for a reader outside the
// console (staff read it too, as customers would, plus internal articles).
func (s *Service) helpReader(ctx context.Context, tx Store, by Actor) error {
	if by.Tenant <= 0 {
		return fmt.Errorf("helpdesk: help centre: %w", ErrNotFound)
	}
	set, err := tx.KBSettings(ctx, by.Tenant)
	if err != nil {
		return fmt.Errorf("helpdesk: kb settings: %w", err)
	}
	if !set.HelpEnabled {
		return fmt.Errorf("helpdesk: help centre off: %w", ErrNotFound)
	}
	return nil
}

func published() []KBState { return []KBState{KBPublished} }

// HelpCentre returns the home page: categories with their sections, and the
// most read articles by's audiences may see.
func (s *Service) HelpCentre(ctx context.Context, by Actor, lang string) (KBHome, error) {
	var out KBHome
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if err := s.helpReader(ctx, tx, by); err != nil {
			return err
		}
		var err error
		if out.Categories, err = liveKBCategories(ctx, tx, by.Tenant); err != nil {
			return err
		}
		out.Popular, err = tx.KBArticles(ctx, by.Tenant, KBListQuery{Audiences: by.helpAudiences(), States: published(),
			Lang: lang, Popular: true, Live: true, Limit: 8})
		return err
	})
	return out, err
}

// HelpCategory returns a category and the articles of each of its
// sections, in order.
func (s *Service) HelpCategory(ctx context.Context, by Actor, id KBCategoryID, lang string) (KBCategory, []KBArticle, error) {
	var cat KBCategory
	var arts []KBArticle
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if err := s.helpReader(ctx, tx, by); err != nil {
			return err
		}
		var err error
		if cat, err = kbCategory(ctx, tx, by.Tenant, id); err != nil {
			return err
		}
		if cat.Archived {
			return fmt.Errorf("helpdesk: kb category %d archived: %w", id, ErrNotFound)
		}
		arts, err = tx.KBArticles(ctx, by.Tenant, KBListQuery{Category: id, Audiences: by.helpAudiences(),
			States: published(), Lang: lang, Live: true, Limit: 500})
		return err
	})
	return cat, arts, err
}

func kbCategory(ctx context.Context, tx Store, tenant TenantID, id KBCategoryID) (KBCategory, error) {
	cats, err := tx.KBCategories(ctx, tenant)
	if err != nil {
		return KBCategory{}, err
	}
	for _, c := range cats {
		if c.ID == id {
			return c, nil
		}
	}
	return KBCategory{}, fmt.Errorf("helpdesk: kb category %d: %w", id, ErrNotFound)
}

// liveKBCategories lists the categories the help centre shows: the
// archived ones left out.
func liveKBCategories(ctx context.Context, tx Store, tenant TenantID) ([]KBCategory, error) {
	cats, err := tx.KBCategories(ctx, tenant)
	if err != nil {
		return nil, err
	}
	live := cats[:0]
	for _, c := range cats {
		if !c.Archived {
			live = append(live, c)
		}
	}
	return live, nil
}

// HelpArticle returns article id for by in lang (its translation in lang
// when there is one) and counts the view. An article by may not read is
// ErrNotFound.
func (s *Service) HelpArticle(ctx context.Context, by Actor, id KBArticleID, lang string) (KBArticlePage, error) {
	var out KBArticlePage
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if err := s.helpReader(ctx, tx, by); err != nil {
			return err
		}
		a, err := tx.KBArticle(ctx, by.Tenant, id)
		if err != nil || !a.visibleTo(by.helpAudiences()) {
			return fmt.Errorf("helpdesk: kb article %d: %w", id, ErrNotFound)
		}
		tr, err := tx.KBTranslations(ctx, by.Tenant, a.Group())
		if err != nil {
			return err
		}
		for _, t := range tr {
			if t.ID != a.ID && t.visibleTo(by.helpAudiences()) {
				out.Translations = append(out.Translations, t)
			}
		}
		out.Fallback = validKBLocale(lang) && a.Locale != lang
		out.Article = a
		if err := s.kbPlace(ctx, tx, by.Tenant, &out); err != nil {
			return err
		}
		if out.Category.Archived {
			return fmt.Errorf("helpdesk: kb article %d in an archived category: %w", id, ErrNotFound)
		}
		out.Related, err = tx.KBArticles(ctx, by.Tenant, KBListQuery{Section: a.Section, Audiences: by.helpAudiences(),
			States: published(), Lang: lang, Exclude: a.ID, Tags: a.Tags, Live: true, Limit: 5})
		if err != nil {
			return err
		}
		return tx.RecordKBView(ctx, by.Tenant, a.ID, kbReaderKind(by), s.now())
	})
	return out, err
}

// kbPlace fills in the article's category and section (the breadcrumb).
func (s *Service) kbPlace(ctx context.Context, tx Store, tenant TenantID, p *KBArticlePage) error {
	cats, err := tx.KBCategories(ctx, tenant)
	if err != nil {
		return err
	}
	for _, c := range cats {
		for _, sec := range c.Sections {
			if sec.ID == p.Article.Section {
				p.Category, p.Section = c, sec
				return nil
			}
		}
	}
	return fmt.Errorf("helpdesk: kb section %d: %w", p.Article.Section, ErrNotFound)
}

func kbReaderKind(by Actor) string {
	switch {
	case by.IsStaff():
		return "staff"
	case by.Kind == ActorUser:
		return "customer"
	default:
		return "guest"
	}
}

// MaxKBQueryLen bounds a search's text, in characters.
const MaxKBQueryLen = 200

// KBSource says where a search came from.
type KBSource string

const (
	KBFromHelp    KBSource = "help"    // the help centre's search (recorded)
	KBFromSuggest KBSource = "suggest" // suggestions beside a new ticket's subject
	KBFromConsole KBSource = "console" // an agent looking for an article to send
)

// SearchHelp ranks the published articles by may read. Help-centre
// searches are recorded with their number of results (those with none are
// the articles to write next); the console searches even when the help
// centre is off.
func (s *Service) SearchHelp(ctx context.Context, by Actor, text, lang string, from KBSource) ([]KBHit, error) {
	text = CleanLine(text)
	if r := []rune(text); len(r) > MaxKBQueryLen {
		text = string(r[:MaxKBQueryLen])
	}
	min := 1
	if from == KBFromSuggest {
		min = 3 // a word's start is noise
	}
	if utf8.RuneCountInString(strings.TrimSpace(text)) < min {
		return nil, nil
	}
	if from == KBFromConsole {
		if err := kbStaff(by, "kb search"); err != nil {
			return nil, err
		}
	}
	limit := 20
	if from == KBFromSuggest {
		limit = 5
	}
	var out []KBHit
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if from != KBFromConsole {
			if err := s.helpReader(ctx, tx, by); err != nil {
				return err
			}
		}
		var err error
		auds := by.helpAudiences()
		if from == KBFromConsole {
			auds = by.kbAudiences()
		}
		q := KBSearchQuery{Text: text, Audiences: auds, Lang: lang, Limit: limit, AnyWord: from == KBFromSuggest,
			WithBody: from == KBFromConsole}
		out, err = tx.SearchKB(ctx, by.Tenant, q)
		if err == nil && len(out) == 0 && !q.AnyWord {
			// Nothing has every word: the articles with some of them.
			q.AnyWord = true
			out, err = tx.SearchKB(ctx, by.Tenant, q)
		}
		if err != nil {
			return fmt.Errorf("helpdesk: kb search: %w", err)
		}
		if from == KBFromHelp {
			return tx.RecordKBSearch(ctx, by.Tenant, text, string(from), len(out), s.now())
		}
		return nil
	})
	return out, err
}

// VoteKB records whether an article helped (and what the reader said).
// The article must be one by may read.
func (s *Service) VoteKB(ctx context.Context, by Actor, id KBArticleID, key string, helpful bool, comment string) error {
	comment = CleanText(comment)
	if key == "" || len(key) > 64 {
		return invalid("key", "error.form")
	}
	if utf8.RuneCountInString(comment) > 2000 {
		return invalid("comment", "error.too_long")
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if err := s.helpReader(ctx, tx, by); err != nil {
			return err
		}
		a, err := tx.KBArticle(ctx, by.Tenant, id)
		if err != nil || !a.visibleTo(by.helpAudiences()) {
			return fmt.Errorf("helpdesk: kb article %d: %w", id, ErrNotFound)
		}
		v := KBVote{Article: id, Helpful: helpful, Comment: comment, Key: key, At: s.now()}
		if by.Kind == ActorUser {
			v.User = by.User
		}
		return tx.RecordKBVote(ctx, by.Tenant, v)
	})
}

// OpenedSuggestion records that the new-ticket form named by formKey led
// its visitor to article id. If that form never opens a ticket, the open
// counts as a deflection.
func (s *Service) OpenedSuggestion(ctx context.Context, by Actor, formKey string, id KBArticleID) error {
	if formKey == "" || len(formKey) > 64 {
		return nil
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		a, err := tx.KBArticle(ctx, by.Tenant, id)
		if err != nil || !a.visibleTo(by.helpAudiences()) {
			return nil // nothing to count
		}
		return tx.RecordKBSuggestionOpen(ctx, by.Tenant, formKey, id, s.now())
	})
}

// KBFormSubmitted records that the new-ticket form formKey opened a
// ticket: the suggestions it opened did not deflect it.
func (s *Service) KBFormSubmitted(ctx context.Context, tenant TenantID, formKey string) error {
	if formKey == "" || len(formKey) > 64 {
		return nil
	}
	return s.store.InTx(ctx, tenant, func(tx Store) error { return tx.MarkKBFormSubmitted(ctx, tenant, formKey) })
}

// HelpCentreOn reports whether tenant's help centre is on.
func (s *Service) HelpCentreOn(ctx context.Context, tenant TenantID) (bool, error) {
	var on bool
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		set, err := tx.KBSettings(ctx, tenant)
		on = set.HelpEnabled
		return err
	})
	return on, err
}

// HelpSitemap lists what search engines may index: the categories and
// every published public article, in each of its languages. Nothing when
// the help centre is off.
func (s *Service) HelpSitemap(ctx context.Context, tenant TenantID) ([]KBCategory, []KBArticle, error) {
	var cats []KBCategory
	var arts []KBArticle
	guest := Actor{Kind: ActorGuest, Tenant: tenant}
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		if err := s.helpReader(ctx, tx, guest); err != nil {
			return err
		}
		var err error
		if cats, err = liveKBCategories(ctx, tx, tenant); err != nil {
			return err
		}
		arts, err = tx.KBArticles(ctx, tenant, KBListQuery{Audiences: []KBAudience{KBPublic}, States: published(), Live: true, Limit: 500})
		return err
	})
	return cats, arts, err
}
