package helpdesk

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// HelpSection returns a section, its category and its articles in order.
func (s *Service) HelpSection(ctx context.Context, by Actor, id KBSectionID, lang string) (KBCategory, KBSection, []KBArticle, error) {
	var cat KBCategory
	var sec KBSection
	var arts []KBArticle
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if err := s.helpReader(ctx, tx, by); err != nil {
			return err
		}
		p := KBArticlePage{Article: KBArticle{Section: id}}
		if err := s.kbPlace(ctx, tx, by.Tenant, &p); err != nil {
			return err
		}
		cat, sec = p.Category, p.Section
		var err error
		arts, err = tx.KBArticles(ctx, by.Tenant, KBListQuery{Section: id, Audiences: by.helpAudiences(),
			States: published(), Lang: lang, Limit: 500})
		return err
	})
	return cat, sec, arts, err
}

// KBConfig is what the knowledge base's admin page shows.
type KBConfig struct {
	Settings   KBSettings
	Categories []KBCategory
	Editors    []UserID
}

// KBConfig loads the knowledge base's structure and settings (staff: agents
// see the structure to file their drafts; only admins change it).
func (s *Service) KBConfig(ctx context.Context, by Actor) (KBConfig, error) {
	if err := kbStaff(by, "kb config"); err != nil {
		return KBConfig{}, err
	}
	var out KBConfig
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		if out.Settings, err = tx.KBSettings(ctx, by.Tenant); err != nil {
			return err
		}
		if out.Categories, err = tx.KBCategories(ctx, by.Tenant); err != nil {
			return err
		}
		out.Editors, err = tx.KBEditors(ctx, by.Tenant)
		return err
	})
	return out, err
}

func kbAdmin(by Actor, op string) error {
	if !by.IsAdmin() {
		return fmt.Errorf("helpdesk: %s: %w", op, ErrNotFound)
	}
	return nil
}

// SetHelpCentre turns the desk's help centre on or off (admins; audited).
func (s *Service) SetHelpCentre(ctx context.Context, by Actor, on bool) error {
	if err := kbAdmin(by, "help centre switch"); err != nil {
		return err
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		old, err := tx.KBSettings(ctx, by.Tenant)
		if err != nil {
			return err
		}
		if err := tx.SaveKBSettings(ctx, by.Tenant, KBSettings{HelpEnabled: on}); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "kb_settings.update", ObjectKind: "kb_settings",
			Before: AuditValues{"help_enabled": strconv.FormatBool(old.HelpEnabled)},
			After:  AuditValues{"help_enabled": strconv.FormatBool(on)}})
	})
}

// SetKBEditor gives or takes an agent's editor flag (admins; audited).
func (s *Service) SetKBEditor(ctx context.Context, by Actor, user UserID, on bool) error {
	if err := kbAdmin(by, "kb editor"); err != nil {
		return err
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if err := tx.SetKBEditor(ctx, by.Tenant, user, on); err != nil {
			return fmt.Errorf("helpdesk: kb editor %d: %w", user, err)
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "kb_editor.update", ObjectKind: "user", ObjectID: int64(user),
			After: AuditValues{"kb_editor": strconv.FormatBool(on)}})
	})
}

// KBCategoryInput is a category as an admin submits it.
type KBCategoryInput struct {
	Name, NameEN, Description, DescriptionEN string
	Position                                 int
	Archived                                 bool
}

// SaveKBCategory creates (id zero) or changes a category (admins).
func (s *Service) SaveKBCategory(ctx context.Context, by Actor, id KBCategoryID, in KBCategoryInput) (KBCategory, error) {
	if err := kbAdmin(by, "save kb category"); err != nil {
		return KBCategory{}, err
	}
	c := KBCategory{ID: id, Name: CleanLine(in.Name), NameEN: CleanLine(in.NameEN), Description: CleanLine(in.Description),
		DescriptionEN: CleanLine(in.DescriptionEN), Position: in.Position, Archived: in.Archived}
	var v ValidationError
	kbCheckName(&v, "name", c.Name, true)
	kbCheckName(&v, "name_en", c.NameEN, false)
	if utf8.RuneCountInString(c.Description) > 500 || utf8.RuneCountInString(c.DescriptionEN) > 500 {
		v.Add("description", "error.too_long")
	}
	if err := v.Err(); err != nil {
		return KBCategory{}, err
	}
	c.Slug = kbSlug(c.Name)
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if id != 0 {
			if _, err := kbCategory(ctx, tx, by.Tenant, id); err != nil {
				return err
			}
		}
		var err error
		c, err = tx.SaveKBCategory(ctx, by.Tenant, c)
		return err
	})
	return c, err
}

// KBSectionInput is a section as an admin submits it.
type KBSectionInput struct {
	Category     KBCategoryID
	Name, NameEN string
	Position     int
}

// SaveKBSection creates (id zero) or changes a section (admins).
func (s *Service) SaveKBSection(ctx context.Context, by Actor, id KBSectionID, in KBSectionInput) (KBSection, error) {
	if err := kbAdmin(by, "save kb section"); err != nil {
		return KBSection{}, err
	}
	sec := KBSection{ID: id, Category: in.Category, Name: CleanLine(in.Name), NameEN: CleanLine(in.NameEN), Position: in.Position}
	var v ValidationError
	kbCheckName(&v, "name", sec.Name, true)
	kbCheckName(&v, "name_en", sec.NameEN, false)
	if err := v.Err(); err != nil {
		return KBSection{}, err
	}
	sec.Slug = kbSlug(sec.Name)
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if _, err := kbCategory(ctx, tx, by.Tenant, in.Category); err != nil {
			return invalid("category", "error.invalid")
		}
		if id != 0 {
			if err := s.kbCheckSection(ctx, tx, by.Tenant, id); err != nil {
				return fmt.Errorf("helpdesk: kb section %d: %w", id, ErrNotFound)
			}
		}
		var err error
		sec, err = tx.SaveKBSection(ctx, by.Tenant, sec)
		return err
	})
	return sec, err
}

func kbCheckName(v *ValidationError, field, s string, required bool) {
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && required:
		v.Add(field, "error.required")
	case n > 120:
		v.Add(field, "error.too_long")
	}
}

func kbSlug(name string) string {
	if s := Slugify(name); s != "" {
		return strings.Trim(s[:min(len(s), 80)], "-")
	}
	return "seccion"
}

// UploadKBImage stores an image for an article (staff). Only raster images
// that are shown inline elsewhere are accepted: the type is sniffed from
// the bytes by the caller and checked here, the size against the desk's
// per-file limit.
func (s *Service) UploadKBImage(ctx context.Context, by Actor, id KBArticleID, img NewAttachment) (KBImage, error) {
	if err := kbStaff(by, "kb image"); err != nil {
		return KBImage{}, err
	}
	img.Filename = cleanFilename(img.Filename)
	img.ContentType = cleanContentType(img.ContentType)
	lim := DefaultAttachmentLimits()
	switch {
	case len(img.Data) == 0:
		return KBImage{}, invalid("image", "error.attachment_empty")
	case int64(len(img.Data)) > lim.MaxFileBytes:
		return KBImage{}, invalid("image", "error.attachment_too_large")
	case !(Attachment{ContentType: img.ContentType}).Inline():
		return KBImage{}, invalid("image", "kb.error.not_image")
	}
	var out KBImage
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if _, err := tx.KBArticle(ctx, by.Tenant, id); err != nil {
			return fmt.Errorf("helpdesk: kb article %d: %w", id, err)
		}
		var err error
		out, err = tx.SaveKBImage(ctx, by.Tenant, id, img, s.now())
		return err
	})
	return out, err
}

// KBImage returns an image of an article by may read (staff: any).
func (s *Service) KBImage(ctx context.Context, by Actor, id KBImageID) (KBImage, []byte, error) {
	var img KBImage
	var data []byte
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		if img, data, err = tx.KBImage(ctx, by.Tenant, id); err != nil {
			return fmt.Errorf("helpdesk: kb image %d: %w", id, err)
		}
		if by.IsStaff() {
			return nil
		}
		a, err := tx.KBArticle(ctx, by.Tenant, img.Article)
		if err != nil || !a.visibleTo(by.helpAudiences()) {
			return fmt.Errorf("helpdesk: kb image %d: %w", id, ErrNotFound)
		}
		return nil
	})
	return img, data, err
}

// KBReport returns the knowledge base's figures since a moment: views,
// votes and deflections per article, and the searches that found nothing.
// A suggestion opened at least deflectAfter ago from a form that never
// opened a ticket counts as a deflection.
func (s *Service) KBReport(ctx context.Context, by Actor, since time.Time, deflectAfter time.Duration) (KBReport, error) {
	if err := kbStaff(by, "kb report"); err != nil {
		return KBReport{}, err
	}
	var out KBReport
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = tx.KBReport(ctx, by.Tenant, since, s.now().Add(-deflectAfter))
		return err
	})
	return out, err
}
