package helpdesk

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CalendarID identifies a business calendar inside a tenant.
type CalendarID int64

// Interval is one stretch of opening hours inside a local day, in minutes
// after local midnight: [Start, End). End 1440 is midnight at the end of the
// day. Several intervals make split shifts and lunch breaks.
type Interval struct {
	Start, End int
}

// Holiday is a closed local date. Year 0 makes it recur every year.
type Holiday struct {
	Year  int
	Month time.Month
	Day   int
	Name  string
}

// Yearly reports whether the holiday recurs every year.
func (h Holiday) Yearly() bool { return h.Year == 0 }

func (h Holiday) String() string {
	if h.Yearly() {
		return fmt.Sprintf("%02d-%02d", int(h.Month), h.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", h.Year, int(h.Month), h.Day)
}

// Calendar is a desk's business hours: a time zone, weekly opening hours
// (indexed by time.Weekday, each day's intervals sorted and disjoint) and
// holidays. Arithmetic happens on local wall-clock days: each interval's
// boundaries are converted with wallInstant in the location, so a day with a
// daylight-saving change counts the hours it really had.
//
// The zero Calendar, and CalendarHours(), count every minute ("calendar
// hours"): elapsed time, with no time zone involved.
type Calendar struct {
	ID       CalendarID
	Name     string
	TimeZone string // IANA name, e.g. "Europe/Madrid"
	Week     [7][]Interval
	Holidays []Holiday

	loc    *time.Location
	always bool
	// holidays as yyyymmdd (one-off) and mmdd (yearly), for quick lookup.
	dates map[int]bool
}

// CalendarHours is the calendar in which every minute counts.
func CalendarHours() Calendar { return Calendar{Name: "24/7", TimeZone: "UTC", always: true} }

// IsCalendarHours reports whether every minute counts in c.
// A calendar with no opening hours at all (which Prepare refuses) counts
// as calendar hours too, rather than never reaching a deadline.
func (c *Calendar) IsCalendarHours() bool { return c.always || c.empty() }

func (c *Calendar) empty() bool {
	for _, d := range c.Week {
		if len(d) > 0 {
			return false
		}
	}
	return true
}

// Location returns the calendar's time zone (UTC when it has none).
func (c *Calendar) Location() *time.Location {
	if c.loc != nil {
		return c.loc
	}
	return time.UTC
}

// Prepare checks c and readies it for arithmetic: it loads the time zone,
// sorts each day's intervals and indexes the holidays. Problems are
// reported at once as a ValidationError with i18n keys.
func (c *Calendar) Prepare() error {
	var v ValidationError
	c.Name = CleanLine(c.Name)
	if c.Name == "" || len([]rune(c.Name)) > 120 {
		v.Add("name", "error.required")
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil || c.TimeZone == "" || strings.EqualFold(c.TimeZone, "local") {
		v.Add("time_zone", "sla.error.time_zone")
		loc = time.UTC
	}
	c.loc = loc
	open := false
	for d := range c.Week {
		iv := c.Week[d]
		sort.Slice(iv, func(i, j int) bool { return iv[i].Start < iv[j].Start })
		for i, x := range iv {
			if x.Start < 0 || x.End > 1440 || x.Start >= x.End {
				v.Add("day"+strconv.Itoa(d), "sla.error.interval")
			}
			if i > 0 && x.Start < iv[i-1].End {
				v.Add("day"+strconv.Itoa(d), "sla.error.overlap")
			}
			open = true
		}
	}
	if !open {
		v.Add("week", "sla.error.no_hours")
	}
	c.dates = map[int]bool{}
	for _, h := range c.Holidays {
		y := h.Year
		if y == 0 {
			y = 2000 // a leap year, so 29 February is a valid yearly date
		}
		if h.Month < 1 || h.Month > 12 || h.Day < 1 || time.Date(y, h.Month, h.Day, 0, 0, 0, 0, time.UTC).Day() != h.Day {
			v.Add("holidays", "sla.error.holiday")
			continue
		}
		c.dates[h.key()] = true
	}
	return v.Err()
}

func (h Holiday) key() int { return h.Year*10000 + int(h.Month)*100 + h.Day }

func (c *Calendar) holiday(y int, m time.Month, d int) bool {
	return c.dates[y*10000+int(m)*100+d] || c.dates[int(m)*100+d]
}

// span is one opening interval as instants.
type span struct{ open, close time.Time }

// maxIdleDays bounds the search for the next opening: a calendar whose
// holidays close every open weekday gives up after this many days.
const maxIdleDays = 800

// walk calls fn with each opening span from the local day of from onwards,
// in order and never overlapping (a boundary that a daylight-saving change
// moved is clamped to the previous close), until fn returns false. It
// reports false when no span opens within maxIdleDays.
func (c *Calendar) walk(from time.Time, fn func(span) bool) bool {
	loc := c.Location()
	l := from.In(loc)
	y, m, d := l.Date()
	var last time.Time
	idle := 0
	for {
		day := time.Date(y, m, d, 12, 0, 0, 0, loc) // noon exists every day
		if !c.holiday(y, m, d) {
			for _, iv := range c.Week[day.Weekday()] {
				sp := span{open: wallInstant(y, m, d, iv.Start, loc), close: wallInstant(y, m, d, iv.End, loc)}
				if sp.open.Before(last) {
					sp.open = last
				}
				if !sp.close.After(sp.open) {
					continue
				}
				last = sp.close
				idle = 0
				if !fn(sp) {
					return true
				}
			}
		}
		idle++
		if idle > maxIdleDays {
			return false
		}
		y, m, d = day.AddDate(0, 0, 1).Date()
	}
}

// zoneMargin is how far from a time-zone change a wall-clock time must be
// for time.Date's answer to be unambiguous; no zone changes its offset
// twice within a day.
const zoneMargin = 26 * time.Hour

// wallInstant is the instant at which the clock in loc shows minute
// (minutes after midnight, 1440 being the next midnight) of the local date.
// Two daylight-saving cases have a rule of their own, because time.Date's
// choice there is unspecified:
//   - a time the clock skips (02:30 on the night Madrid jumps from 02:00
//     to 03:00) is the instant of the change: the clock jumps over it,
//     so the boundary is where the jump happens;
//   - a time the clock shows twice (02:30 on the night Madrid goes back
//     from 03:00 to 02:00) is its first occurrence, as in RFC 5545.
//
// The mapping never goes backwards: a later wall-clock time is never an
// earlier instant, so intervals stay ordered.
func wallInstant(y int, m time.Month, d, minute int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, minute/60, minute%60, 0, 0, loc)
	start, end := t.ZoneBounds()
	if (start.IsZero() || t.Sub(start) > zoneMargin) && (end.IsZero() || end.Sub(t) > zoneMargin) {
		return t // far from any change: the common case
	}
	naive := time.Date(y, m, d, minute/60, minute%60, 0, 0, time.UTC)
	var best time.Time
	for _, probe := range []time.Duration{-zoneMargin, zoneMargin} {
		_, off := naive.Add(probe).In(loc).Zone()
		c := naive.Add(-time.Duration(off) * time.Second)
		if _, got := c.In(loc).Zone(); got == off && (best.IsZero() || c.Before(best)) {
			best = c // the clock shows the wanted time at c
		}
	}
	if !best.IsZero() {
		return best
	}
	// In the gap: read with the offset from before the change, the time
	// lies after the change; the zone in force there began at the change.
	_, before := naive.Add(-zoneMargin).In(loc).Zone()
	changed, _ := naive.Add(-time.Duration(before) * time.Second).In(loc).ZoneBounds()
	return changed
}

// AddBusinessMinutes returns the instant at which n minutes of opening time
// have passed since start. n <= 0 returns start. A result is never outside
// the opening hours: it may be the very end of an interval. The zero time
// means the calendar never opens again.
func (c *Calendar) AddBusinessMinutes(start time.Time, n int) time.Time {
	return c.AddBusiness(start, time.Duration(n)*time.Minute)
}

// AddBusiness is AddBusinessMinutes for a duration.
func (c *Calendar) AddBusiness(start time.Time, left time.Duration) time.Time {
	if left <= 0 {
		return start
	}
	if c.IsCalendarHours() {
		return start.Add(left)
	}
	var out time.Time
	c.walk(start, func(sp span) bool {
		if !sp.close.After(start) {
			return true
		}
		from := sp.open
		if start.After(from) {
			from = start
		}
		avail := sp.close.Sub(from)
		if avail >= left {
			out = from.Add(left)
			return false
		}
		left -= avail
		return true
	})
	return out
}

// BusinessMinutesBetween returns the whole minutes of opening time between
// a and b (negative when b is before a).
func (c *Calendar) BusinessMinutesBetween(a, b time.Time) int {
	return int(c.BusinessBetween(a, b) / time.Minute)
}

// BusinessBetween is the opening time between a and b, exactly.
func (c *Calendar) BusinessBetween(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.BusinessBetween(b, a)
	}
	if c.IsCalendarHours() {
		return b.Sub(a)
	}
	var sum time.Duration
	c.walk(a, func(sp span) bool {
		if !sp.open.Before(b) {
			return false
		}
		from, to := sp.open, sp.close
		if a.After(from) {
			from = a
		}
		if b.Before(to) {
			to = b
		}
		if to.After(from) {
			sum += to.Sub(from)
		}
		return true
	})
	return sum
}

// IsOpen reports whether t falls inside the opening hours, ends included
// (a deadline may fall at the very end of an interval).
func (c *Calendar) IsOpen(t time.Time) bool {
	if c.IsCalendarHours() {
		return true
	}
	in := false
	c.walk(t.AddDate(0, 0, -1), func(sp span) bool {
		if sp.open.After(t) {
			return false
		}
		if !t.After(sp.close) {
			in = true
			return false
		}
		return true
	})
	return in
}

// ParseInterval reads "09:00-13:30"; "24:00" ends a day.
func ParseInterval(s string) (Interval, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return Interval{}, fmt.Errorf("helpdesk: interval %q: want HH:MM-HH:MM", s)
	}
	start, err1 := parseClock(a)
	end, err2 := parseClock(b)
	if err1 != nil || err2 != nil || start >= end {
		return Interval{}, fmt.Errorf("helpdesk: interval %q: want HH:MM-HH:MM with start before end", s)
	}
	return Interval{Start: start, End: end}, nil
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return 0, fmt.Errorf("no colon")
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) || len(m) != 2 {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	return hh*60 + mm, nil
}

// ParseIntervals reads a day's hours as typed: "09:00-13:00, 15:00-18:00";
// empty is a closed day.
func ParseIntervals(s string) ([]Interval, error) {
	var out []Interval
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		iv, err := ParseInterval(part)
		if err != nil {
			return nil, err
		}
		out = append(out, iv)
	}
	return out, nil
}

func (iv Interval) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", iv.Start/60, iv.Start%60, iv.End/60, iv.End%60)
}

// FormatIntervals writes a day's hours as ParseIntervals reads them.
func FormatIntervals(ivs []Interval) string {
	parts := make([]string, len(ivs))
	for i, iv := range ivs {
		parts[i] = iv.String()
	}
	return strings.Join(parts, ", ")
}

// ParseHoliday reads "2026-12-25" (one date) or "12-25" (every year),
// optionally followed by a space and a name.
func ParseHoliday(s string) (Holiday, error) {
	s = strings.TrimSpace(s)
	date, name, _ := strings.Cut(s, " ")
	h := Holiday{Name: strings.TrimSpace(name)}
	p := strings.Split(date, "-")
	var err error
	switch len(p) {
	case 3:
		t, perr := time.Parse("2006-01-02", date)
		if perr != nil {
			return Holiday{}, fmt.Errorf("helpdesk: holiday %q: %w", s, perr)
		}
		h.Year, h.Month, h.Day = t.Date()
	case 2:
		var m, d int
		if m, err = strconv.Atoi(p[0]); err == nil {
			d, err = strconv.Atoi(p[1])
		}
		if err != nil || m < 1 || m > 12 || d < 1 || d > 31 || len(p[0]) != 2 || len(p[1]) != 2 {
			return Holiday{}, fmt.Errorf("helpdesk: holiday %q: want YYYY-MM-DD or MM-DD", s)
		}
		h.Month, h.Day = time.Month(m), d
	default:
		return Holiday{}, fmt.Errorf("helpdesk: holiday %q: want YYYY-MM-DD or MM-DD", s)
	}
	return h, nil
}
