package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The knowledge base's structure and settings (migrations/00018_kb.sql).

// KBSettings returns the desk's settings; a desk without a row has the
// defaults (help centre on).
func (s *Store) KBSettings(ctx context.Context, tenant helpdesk.TenantID) (helpdesk.KBSettings, error) {
	out := helpdesk.KBSettings{HelpEnabled: true}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT help_enabled FROM kb_settings WHERE tenant_id = $1`, int64(tenant)).Scan(&out.HelpEnabled)
		if err == pgx.ErrNoRows {
			return nil
		}
		return err
	})
	return out, mapErr(err, "kb settings")
}

// SaveKBSettings writes the desk's settings.
func (s *Store) SaveKBSettings(ctx context.Context, tenant helpdesk.TenantID, set helpdesk.KBSettings) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO kb_settings (tenant_id, help_enabled) VALUES ($1, $2)
			ON CONFLICT (tenant_id) DO UPDATE SET help_enabled = EXCLUDED.help_enabled`, int64(tenant), set.HelpEnabled)
		return err
	})
	return mapErr(err, "save kb settings")
}

// KBEditors lists the active agents holding the editor flag.
func (s *Store) KBEditors(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.UserID, error) {
	var out []helpdesk.UserID
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM users WHERE tenant_id = $1 AND kb_editor AND active AND role IN ('agent', 'admin') ORDER BY id`, int64(tenant))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.UserID, error) {
			var id int64
			err := r.Scan(&id)
			return helpdesk.UserID(id), err
		})
		return err
	})
	return out, mapErr(err, "kb editors")
}

// SetKBEditor sets a staff member's editor flag.
func (s *Store) SetKBEditor(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, on bool) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET kb_editor = $3 WHERE tenant_id = $1 AND id = $2 AND role IN ('agent', 'admin')`,
			int64(tenant), int64(user), on)
		if err == nil && tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "set kb editor %d", user)
}

// KBCategories lists the categories by position, each with its sections.
func (s *Store) KBCategories(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.KBCategory, error) {
	var out []helpdesk.KBCategory
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`SELECT id, name, name_en, description, description_en, slug, position, archived_at IS NOT NULL FROM kb_categories
			WHERE tenant_id = $1 ORDER BY position, id`, int64(tenant)).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var c helpdesk.KBCategory
				var id int64
				if err := rows.Scan(&id, &c.Name, &c.NameEN, &c.Description, &c.DescriptionEN, &c.Slug, &c.Position, &c.Archived); err != nil {
					return err
				}
				c.ID = helpdesk.KBCategoryID(id)
				out = append(out, c)
			}
			return rows.Err()
		})
		b.Queue(`SELECT id, category_id, name, name_en, slug, position FROM kb_sections
			WHERE tenant_id = $1 ORDER BY position, id`, int64(tenant)).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var sec helpdesk.KBSection
				var id, cat int64
				if err := rows.Scan(&id, &cat, &sec.Name, &sec.NameEN, &sec.Slug, &sec.Position); err != nil {
					return err
				}
				sec.ID, sec.Category = helpdesk.KBSectionID(id), helpdesk.KBCategoryID(cat)
				for i := range out {
					if out[i].ID == sec.Category {
						out[i].Sections = append(out[i].Sections, sec)
					}
				}
			}
			return rows.Err()
		})
		return tx.SendBatch(ctx, b).Close()
	})
	return out, mapErr(err, "kb categories")
}

// SaveKBCategory inserts (id zero) or updates a category.
func (s *Store) SaveKBCategory(ctx context.Context, tenant helpdesk.TenantID, c helpdesk.KBCategory) (helpdesk.KBCategory, error) {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		args := pgx.NamedArgs{"tenant": int64(tenant), "id": int64(c.ID), "name": c.Name, "name_en": c.NameEN,
			"d": c.Description, "d_en": c.DescriptionEN, "slug": c.Slug, "pos": c.Position, "archived": c.Archived}
		var id int64
		var err error
		if c.ID == 0 {
			err = tx.QueryRow(ctx, `INSERT INTO kb_categories (tenant_id, name, name_en, description, description_en, slug, position, archived_at)
				VALUES (@tenant, @name, @name_en, @d, @d_en, @slug, @pos, CASE WHEN @archived THEN now() END) RETURNING id`, args).Scan(&id)
		} else {
			err = tx.QueryRow(ctx, `UPDATE kb_categories SET name = @name, name_en = @name_en, description = @d,
				description_en = @d_en, slug = @slug, position = @pos,
				archived_at = CASE WHEN @archived THEN coalesce(archived_at, now()) END
				WHERE tenant_id = @tenant AND id = @id RETURNING id`, args).Scan(&id)
		}
		c.ID = helpdesk.KBCategoryID(id)
		return err
	})
	return c, mapErr(err, "save kb category")
}

// SaveKBSection inserts (id zero) or updates a section.
func (s *Store) SaveKBSection(ctx context.Context, tenant helpdesk.TenantID, sec helpdesk.KBSection) (helpdesk.KBSection, error) {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		args := pgx.NamedArgs{"tenant": int64(tenant), "id": int64(sec.ID), "cat": int64(sec.Category), "name": sec.Name,
			"name_en": sec.NameEN, "slug": sec.Slug, "pos": sec.Position}
		var id int64
		var err error
		if sec.ID == 0 {
			err = tx.QueryRow(ctx, `INSERT INTO kb_sections (tenant_id, category_id, name, name_en, slug, position)
				VALUES (@tenant, @cat, @name, @name_en, @slug, @pos) RETURNING id`, args).Scan(&id)
		} else {
			err = tx.QueryRow(ctx, `UPDATE kb_sections SET category_id = @cat, name = @name, name_en = @name_en, slug = @slug,
				position = @pos WHERE tenant_id = @tenant AND id = @id RETURNING id`, args).Scan(&id)
		}
		sec.ID = helpdesk.KBSectionID(id)
		return err
	})
	return sec, mapErr(err, "save kb section")
}

// SaveKBImage stores an image of an article under a random id.
func (s *Store) SaveKBImage(ctx context.Context, tenant helpdesk.TenantID, article helpdesk.KBArticleID, img helpdesk.NewAttachment, at time.Time) (helpdesk.KBImage, error) {
	out := helpdesk.KBImage{Article: article, Filename: img.Filename, ContentType: img.ContentType, Size: int64(len(img.Data))}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO kb_images (tenant_id, id, article_id, filename, content_type, size, data, created_at)
			VALUES ($1, atiende_random_id(), $2, $3, $4, $5, $6, $7) RETURNING id`,
			int64(tenant), int64(article), img.Filename, img.ContentType, out.Size, img.Data, at).Scan(&id)
		out.ID = helpdesk.KBImageID(id)
		return err
	})
	return out, mapErr(err, "save kb image")
}

// KBImage returns an image and its bytes.
func (s *Store) KBImage(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.KBImageID) (helpdesk.KBImage, []byte, error) {
	out := helpdesk.KBImage{ID: id}
	var data []byte
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var art int64
		err := tx.QueryRow(ctx, `SELECT article_id, filename, content_type, size, data FROM kb_images WHERE tenant_id = $1 AND id = $2`,
			int64(tenant), int64(id)).Scan(&art, &out.Filename, &out.ContentType, &out.Size, &data)
		out.Article = helpdesk.KBArticleID(art)
		return err
	})
	return out, data, mapErr(err, "kb image %d", id)
}
