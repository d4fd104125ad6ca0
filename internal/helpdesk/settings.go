package helpdesk

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif" // logo formats DecodeConfig recognises
	_ "image/jpeg"
	_ "image/png"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// SettingsStore persists the desk settings the admin pages change.
type SettingsStore interface {
	// UpdateTenant stores t's name, language, time zone, accent colour and
	// guest switch (the slug never changes).
	UpdateTenant(ctx context.Context, tenant TenantID, t Tenant) (Tenant, error)
	// SetTicketSettings stores the tenant's ticket settings.
	SetTicketSettings(ctx context.Context, tenant TenantID, st TicketSettings) error
	// SetLogo stores the logo (nil data removes it) and the tenant's
	// logo_updated_at.
	SetLogo(ctx context.Context, tenant TenantID, contentType string, data []byte, at time.Time) error
	// Logo reads the logo; ErrNotFound without one.
	Logo(ctx context.Context, tenant TenantID) (Logo, error)
}

// Logo is a desk's logo image.
type Logo struct {
	ContentType string
	Data        []byte
	UpdatedAt   time.Time
}

// Logo limits: a small raster image.
const (
	MaxLogoBytes  = 512 << 10
	MaxLogoPixels = 2000 // per side
)

// logoTypes are the formats a logo may have, as sniffed from its bytes.
var logoTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true}

// Day limits of the ticket timers.
const MaxTimerDays = 365

// DeskSettings are what the settings page shows and edits.
type DeskSettings struct {
	Tenant Tenant
	Ticket TicketSettings
}

// DeskSettingsInput is the settings form as typed.
type DeskSettingsInput struct {
	Name          string
	Language      string
	TimeZone      string
	AccentColor   string // "#rrggbb", or "" for Atiende's
	GuestTickets  bool
	AutoCloseDays string // after Resuelto; at least 1
	RemindDays    string // Pendiente reminder; 0 or "" off
	AutoSolveDays string // Pendiente → Resuelto; 0 or "" off
	// RequireTime asks for the time spent on every workspace submission.
	RequireTime bool
}

var hexColour = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// ContrastWithWhite is the WCAG contrast ratio between colour c ("#rrggbb")
// and white, from 1 to 21; 0 when c is not such a colour.
func ContrastWithWhite(c string) float64 {
	c = strings.ToLower(strings.TrimSpace(c))
	if !hexColour.MatchString(c) {
		return 0
	}
	lum := 0.0
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(c[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.04045 {
			s /= 12.92
		} else {
			s = math.Pow((s+0.055)/1.055, 2.4)
		}
		lum += w * s
	}
	return 1.05 / (lum + 0.05)
}

// MinAccentContrast is WCAG AA's ratio for normal text: buttons carry
// white text on the accent, and links use the accent on white.
const MinAccentContrast = 4.5

// CheckAccentColor normalises an accent colour ("" keeps Atiende's) and
// refuses one that white text on it, or it as text on white, would fail
// WCAG AA with.
func CheckAccentColor(v *ValidationError, field, c string) string {
	c = strings.ToLower(strings.TrimSpace(c))
	switch {
	case c == "":
	case !hexColour.MatchString(c):
		v.Add(field, "admin.error.colour_format")
	case ContrastWithWhite(c) < MinAccentContrast:
		v.Add(field, "admin.error.colour_contrast")
	}
	return c
}

func parseDays(v *ValidationError, field, s string, min int) time.Duration {
	s = strings.TrimSpace(s)
	if s == "" && min == 0 {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > MaxTimerDays {
		v.Add(field, "admin.error.days")
		return 0
	}
	return time.Duration(n) * 24 * time.Hour
}

// DeskSettings reads the settings page's values, for admins.
func (s *Service) DeskSettings(ctx context.Context, by Actor) (DeskSettings, error) {
	var out DeskSettings
	err := s.adminTx(ctx, by, "desk settings", func(tx Store) error {
		var err error
		if out.Ticket, err = tx.TicketSettings(ctx, by.Tenant); err != nil {
			return err
		}
		out.Tenant, err = tenantOf(ctx, tx, by.Tenant)
		return err
	})
	return out, err
}

// tenantOf reads the actor's tenant from the directory by id.
func tenantOf(ctx context.Context, tx Store, id TenantID) (Tenant, error) {
	return tx.TenantByID(ctx, id)
}

// settingsAudit is what the log shows of the settings.
func settingsAudit(t Tenant, st TicketSettings) AuditValues {
	days := func(d time.Duration) string { return strconv.Itoa(int(d / (24 * time.Hour))) }
	return AuditValues{
		"name": t.Name, "language": t.Language, "time_zone": t.TimeZone, "accent_color": t.AccentColor,
		"guest_tickets": strconv.FormatBool(t.GuestTickets), "auto_close_days": days(st.AutoCloseAfter),
		"remind_days": days(st.PendingRemindAfter), "auto_solve_days": days(st.AutoSolveAfter),
		"require_time": strconv.FormatBool(st.RequireTime),
	}
}

// UpdateDeskSettings changes the desk's name, language, time zone, accent
// colour, guest switch and ticket timers, for admins; every problem is
// reported at once.
func (s *Service) UpdateDeskSettings(ctx context.Context, by Actor, in DeskSettingsInput) (DeskSettings, error) {
	var v ValidationError
	name := CleanLine(in.Name)
	checkName(&v, "name", name)
	if in.Language != "es" && in.Language != "en" {
		v.Add("language", "error.invalid")
	}
	tz := strings.TrimSpace(in.TimeZone)
	if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
		v.Add("time_zone", "admin.error.time_zone")
	}
	colour := CheckAccentColor(&v, "accent_color", in.AccentColor)
	closeAfter := parseDays(&v, "auto_close_days", in.AutoCloseDays, 1)
	remind := parseDays(&v, "remind_days", in.RemindDays, 0)
	solve := parseDays(&v, "auto_solve_days", in.AutoSolveDays, 0)
	if remind > 0 && solve > 0 && remind >= solve {
		v.Add("remind_days", "admin.error.remind_before_solve")
	}
	var out DeskSettings
	err := s.adminTx(ctx, by, "update desk settings", func(tx Store) error {
		if err := v.Err(); err != nil {
			return err
		}
		old, err := tenantOf(ctx, tx, by.Tenant)
		if err != nil {
			return err
		}
		oldSt, err := tx.TicketSettings(ctx, by.Tenant)
		if err != nil {
			return err
		}
		t := old
		t.Name, t.Language, t.TimeZone, t.AccentColor, t.GuestTickets = name, in.Language, tz, colour, in.GuestTickets
		if out.Tenant, err = tx.UpdateTenant(ctx, by.Tenant, t); err != nil {
			return err
		}
		st := oldSt
		st.AutoCloseAfter, st.PendingRemindAfter, st.AutoSolveAfter = closeAfter, remind, solve
		st.RequireTime = in.RequireTime
		if err := tx.SetTicketSettings(ctx, by.Tenant, st); err != nil {
			return err
		}
		out.Ticket = st
		return s.audit(ctx, tx, by, AuditEntry{Action: "settings.update", ObjectKind: "settings", ObjectLabel: out.Tenant.Name,
			Before: settingsAudit(old, oldSt), After: settingsAudit(out.Tenant, st)})
	})
	return out, err
}

// SetLogo replaces the desk's logo, for admins. contentType is what the
// caller sniffed from the bytes; the image must also decode as that
// format (no polyglots) and be a small raster image.
func (s *Service) SetLogo(ctx context.Context, by Actor, contentType string, data []byte) error {
	var v ValidationError
	switch {
	case len(data) == 0:
		v.Add("logo", "error.required")
	case len(data) > MaxLogoBytes:
		v.Add("logo", "admin.error.logo_size")
	case !logoTypes[contentType]:
		v.Add("logo", "admin.error.logo_type")
	default:
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || "image/"+format != contentType {
			v.Add("logo", "admin.error.logo_type")
		} else if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoPixels || cfg.Height > MaxLogoPixels {
			v.Add("logo", "admin.error.logo_pixels")
		}
	}
	return s.adminTx(ctx, by, "set logo", func(tx Store) error {
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.SetLogo(ctx, by.Tenant, contentType, data, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "settings.logo", ObjectKind: "settings",
			After: AuditValues{"logo": fmt.Sprintf("%s, %d KiB", contentType, (len(data)+1023)/1024)}})
	})
}

// RemoveLogo removes the desk's logo, for admins.
func (s *Service) RemoveLogo(ctx context.Context, by Actor) error {
	return s.adminTx(ctx, by, "remove logo", func(tx Store) error {
		if err := tx.SetLogo(ctx, by.Tenant, "", nil, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "settings.logo_remove", ObjectKind: "settings", Before: AuditValues{"logo": "✓"}})
	})
}

// DeskLogo returns the logo of a desk: public, like the desk's name.
func (s *Service) DeskLogo(ctx context.Context, tenant TenantID) (Logo, error) {
	return s.store.Logo(ctx, tenant)
}
