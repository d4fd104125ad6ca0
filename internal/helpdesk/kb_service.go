package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Who may do what with articles: every agent and admin writes drafts;
// admins and agents with the editor flag also publish, archive, delete and
// change articles that are already published.

func kbStaff(by Actor, op string) error {
	if !by.IsStaff() {
		return fmt.Errorf("helpdesk: %s: %w", op, ErrNotFound)
	}
	return nil
}

// KBCanPublish reports whether by may publish, archive and delete.
func (s *Service) KBCanPublish(ctx context.Context, by Actor) (bool, error) {
	if err := kbStaff(by, "kb editor"); err != nil {
		return false, err
	}
	var ok bool
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		ok, err = s.kbCanPublish(ctx, tx, by)
		return err
	})
	return ok, err
}

func (s *Service) kbCanPublish(ctx context.Context, tx Store, by Actor) (bool, error) {
	if by.IsAdmin() {
		return true, nil
	}
	ids, err := tx.KBEditors(ctx, by.Tenant)
	if err != nil {
		return false, fmt.Errorf("helpdesk: kb editors: %w", err)
	}
	return slices.Contains(ids, by.User), nil
}

// KBAdminArticles lists articles for the console's editor list: every
// state and audience, in every language.
func (s *Service) KBAdminArticles(ctx context.Context, by Actor, q KBListQuery) ([]KBArticle, error) {
	if err := kbStaff(by, "kb articles"); err != nil {
		return nil, err
	}
	var out []KBArticle
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = tx.KBArticles(ctx, by.Tenant, q)
		return err
	})
	return out, err
}

// KBEditArticle loads an article for its editor, with its translations.
func (s *Service) KBEditArticle(ctx context.Context, by Actor, id KBArticleID) (KBArticle, []KBArticle, error) {
	if err := kbStaff(by, "kb article"); err != nil {
		return KBArticle{}, nil, err
	}
	var a KBArticle
	var tr []KBArticle
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		if a, err = tx.KBArticle(ctx, by.Tenant, id); err != nil {
			return fmt.Errorf("helpdesk: kb article %d: %w", id, err)
		}
		tr, err = tx.KBTranslations(ctx, by.Tenant, a.Group())
		return err
	})
	return a, tr, err
}

// KBSave is an editor's save: the article's fields, what the article
// translates (new articles only) and the state it should end in (empty:
// unchanged, draft for a new article).
type KBSave struct {
	Input         KBArticleInput
	TranslationOf KBArticleID
	To            KBState
}

// SaveKBArticle creates (id zero) or changes an article and keeps the save
// as a revision. Agents without the editor flag may only write drafts.
// Publishing, archiving and deleting are written to the audit log.
func (s *Service) SaveKBArticle(ctx context.Context, by Actor, id KBArticleID, in KBSave) (KBArticle, error) {
	if err := kbStaff(by, "save kb article"); err != nil {
		return KBArticle{}, err
	}
	if s.kbRender == nil {
		return KBArticle{}, errors.New("helpdesk: knowledge base renderer not configured")
	}
	a, verr := in.Input.article()
	if in.To != "" {
		if _, err := ParseKBState(string(in.To)); err != nil {
			return KBArticle{}, invalid("state", "error.invalid")
		}
	}
	var out KBArticle
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var old KBArticle
		if id != 0 {
			var err error
			if old, err = tx.KBArticle(ctx, by.Tenant, id); err != nil {
				return fmt.Errorf("helpdesk: kb article %d: %w", id, err)
			}
		}
		if err := s.kbCheckSection(ctx, tx, by.Tenant, a.Section); err != nil {
			return err
		}
		if verr != nil {
			return verr
		}
		editor, err := s.kbCanPublish(ctx, tx, by)
		if err != nil {
			return err
		}
		if id != 0 {
			if old.Version != a.Version {
				return fmt.Errorf("helpdesk: kb article %d: %w", id, ErrConflict)
			}
			a.ID, a.TranslationOf, a.Author, a.CreatedAt, a.PublishedAt = old.ID, old.TranslationOf, old.Author, old.CreatedAt, old.PublishedAt
			a.State = old.State
		} else {
			a.State, a.Author, a.CreatedAt = KBDraft, by.User, s.now()
			if err := s.kbLinkTranslation(ctx, tx, by.Tenant, &a, in.TranslationOf); err != nil {
				return err
			}
		}
		if in.To != "" {
			a.State = in.To
		}
		// A non-editor may neither leave a draft nor touch what is live.
		if !editor && (a.State != KBDraft || old.State != "" && old.State != KBDraft) {
			return fmt.Errorf("helpdesk: kb article: publish without the editor flag: %w", ErrForbidden)
		}
		out, err = s.saveKBArticle(ctx, tx, by, a, old)
		return err
	})
	return out, err
}

// saveKBArticle renders, stores and audits a (old is the stored version,
// zero for a new article).
func (s *Service) saveKBArticle(ctx context.Context, tx Store, by Actor, a, old KBArticle) (KBArticle, error) {
	now := s.now()
	a.HTML, a.Text = s.kbRender.Render(a.Body)
	a.UpdatedAt = now
	if a.State == KBPublished && old.State != KBPublished {
		a.PublishedAt = now
	}
	rev := KBRevision{Title: a.Title, Summary: a.Summary, Body: a.Body, Tags: a.Tags, Audience: a.Audience,
		State: a.State, Author: by.User, AuthorName: by.Name, CreatedAt: now}
	saved, err := tx.SaveKBArticle(ctx, by.Tenant, a, rev)
	if err != nil {
		if errors.Is(err, ErrConflict) && old.ID != 0 {
			return KBArticle{}, err
		}
		if errors.Is(err, ErrConflict) {
			return KBArticle{}, invalid("locale", "kb.error.translation_taken")
		}
		return KBArticle{}, fmt.Errorf("helpdesk: save kb article: %w", err)
	}
	if saved.State != old.State && (saved.State == KBPublished || old.State == KBPublished) {
		action := "kb_article.publish"
		if saved.State != KBPublished {
			action = "kb_article.unpublish"
		}
		err = s.audit(ctx, tx, by, AuditEntry{Action: action, ObjectKind: "kb_article", ObjectID: int64(saved.ID),
			ObjectLabel: saved.Title, Before: kbAudit(old), After: kbAudit(saved)})
	}
	return saved, err
}

func kbAudit(a KBArticle) AuditValues {
	if a.ID == 0 {
		return nil
	}
	return AuditValues{"title": a.Title, "state": string(a.State), "audience": string(a.Audience),
		"locale": a.Locale, "version": strconv.Itoa(a.Version)}
}

func (s *Service) kbCheckSection(ctx context.Context, tx Store, tenant TenantID, id KBSectionID) error {
	if id == 0 {
		return nil // reported by the input's validation
	}
	cats, err := tx.KBCategories(ctx, tenant)
	if err != nil {
		return fmt.Errorf("helpdesk: kb categories: %w", err)
	}
	for _, c := range cats {
		for _, sec := range c.Sections {
			if sec.ID == id {
				return nil
			}
		}
	}
	return invalid("section", "error.invalid")
}

// kbLinkTranslation makes a translate the group of of: a must be in a
// language the group lacks.
func (s *Service) kbLinkTranslation(ctx context.Context, tx Store, tenant TenantID, a *KBArticle, of KBArticleID) error {
	if of == 0 {
		return nil
	}
	src, err := tx.KBArticle(ctx, tenant, of)
	if err != nil {
		return invalid("translation_of", "error.invalid")
	}
	tr, err := tx.KBTranslations(ctx, tenant, src.Group())
	if err != nil {
		return err
	}
	for _, t := range tr {
		if t.Locale == a.Locale {
			return invalid("locale", "kb.error.translation_taken")
		}
	}
	a.TranslationOf = src.Group()
	return nil
}

// DeleteKBArticle removes an article with its revisions, images and
// figures (editors only; audited). Translations of it go with it when it
// is the group's first language.
func (s *Service) DeleteKBArticle(ctx context.Context, by Actor, id KBArticleID) error {
	if err := kbStaff(by, "delete kb article"); err != nil {
		return err
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		a, err := tx.KBArticle(ctx, by.Tenant, id)
		if err != nil {
			return fmt.Errorf("helpdesk: kb article %d: %w", id, err)
		}
		ok, err := s.kbCanPublish(ctx, tx, by)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("helpdesk: delete kb article: %w", ErrForbidden)
		}
		if err := tx.DeleteKBArticle(ctx, by.Tenant, id); err != nil {
			return fmt.Errorf("helpdesk: delete kb article %d: %w", id, err)
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "kb_article.delete", ObjectKind: "kb_article",
			ObjectID: int64(id), ObjectLabel: a.Title, Before: kbAudit(a)})
	})
}

// KBRevisions lists an article's revisions, newest first.
func (s *Service) KBRevisions(ctx context.Context, by Actor, id KBArticleID) ([]KBRevision, error) {
	if err := kbStaff(by, "kb revisions"); err != nil {
		return nil, err
	}
	var out []KBRevision
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = tx.KBRevisions(ctx, by.Tenant, id)
		return err
	})
	return out, err
}

// KBDiff compares two revisions of an article line by line.
func (s *Service) KBDiff(ctx context.Context, by Actor, id KBArticleID, from, to int) ([]DiffLine, error) {
	if err := kbStaff(by, "kb diff"); err != nil {
		return nil, err
	}
	var out []DiffLine
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		a, err := tx.KBRevision(ctx, by.Tenant, id, from)
		if err != nil {
			return fmt.Errorf("helpdesk: kb revision %d: %w", from, err)
		}
		b, err := tx.KBRevision(ctx, by.Tenant, id, to)
		if err != nil {
			return fmt.Errorf("helpdesk: kb revision %d: %w", to, err)
		}
		out = DiffLines(revisionText(a), revisionText(b))
		return nil
	})
	return out, err
}

func revisionText(r KBRevision) string {
	return "# " + r.Title + "\n\n" + r.Summary + "\n\n" + r.Body + "\n\n" + strings.Join(r.Tags, ", ")
}

// RestoreKBRevision saves revision number's content as the article's
// newest version (a new revision; the state is kept).
func (s *Service) RestoreKBRevision(ctx context.Context, by Actor, id KBArticleID, number int) (KBArticle, error) {
	if err := kbStaff(by, "restore kb revision"); err != nil {
		return KBArticle{}, err
	}
	var out KBArticle
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		old, err := tx.KBArticle(ctx, by.Tenant, id)
		if err != nil {
			return fmt.Errorf("helpdesk: kb article %d: %w", id, err)
		}
		r, err := tx.KBRevision(ctx, by.Tenant, id, number)
		if err != nil {
			return fmt.Errorf("helpdesk: kb revision %d: %w", number, err)
		}
		editor, err := s.kbCanPublish(ctx, tx, by)
		if err != nil {
			return err
		}
		if !editor && old.State != KBDraft {
			return fmt.Errorf("helpdesk: restore kb revision: %w", ErrForbidden)
		}
		a := old
		a.Title, a.Summary, a.Body, a.Tags, a.Audience = r.Title, r.Summary, r.Body, r.Tags, r.Audience
		out, err = s.saveKBArticle(ctx, tx, by, a, old)
		return err
	})
	return out, err
}
