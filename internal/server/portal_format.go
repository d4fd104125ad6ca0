package server

import (
	"strconv"
	"sync"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// tenantLocation is the desk's time zone, UTC when it has none or an
// unknown one.
func tenantLocation(t helpdesk.Tenant) *time.Location {
	if t.TimeZone == "" {
		return time.UTC
	}
	if loc, ok := locations.Load(t.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(t.TimeZone)
	if err != nil {
		return time.UTC
	}
	locations.Store(t.TimeZone, loc)
	return loc
}

// locations keeps the zones loaded: time.LoadLocation reads and parses the
// zone's file on every call, and every page with a date asks. A Location
// is immutable; only zones that loaded are kept, so the map is bounded by
// the zone database.
var locations sync.Map // zone name → *time.Location

// formatTime renders an instant for people, in the desk's time zone and
// the reader's language: "22 nov 2026, 11:08". The zero time is "". It is
// i18n's DateTime, the one date format of the product.
func formatTime(l i18n.Lang, loc *time.Location, t time.Time) string {
	return l.DateTime(loc, t)
}

// isoTime is the machine-readable form for <time datetime>.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// formatBytes renders a size as people read it: "512 B", "1,5 MB".
func formatBytes(l i18n.Lang, n int64) string {
	const unit = 1 << 10
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, suffix := float64(n)/unit, "KB"
	if n >= unit*unit {
		v, suffix = float64(n)/(unit*unit), "MB"
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if v == float64(int64(v)) {
		s = strconv.FormatInt(int64(v), 10)
	}
	if l == i18n.ES {
		for i := range len(s) {
			if s[i] == '.' {
				s = s[:i] + "," + s[i+1:]
				break
			}
		}
	}
	return s + " " + suffix
}

// limitsText states the attachment limits before anyone picks a file.
func limitsText(l i18n.Lang, lim helpdesk.AttachmentLimits) string {
	return l.T("portal.upload.limits", lim.MaxFiles, formatBytes(l, lim.MaxFileBytes), formatBytes(l, lim.MaxCommentBytes))
}
