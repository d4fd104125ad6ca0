package helpdesk_test

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func hours(t testing.TB, s string) []helpdesk.Interval {
	t.Helper()
	iv, err := helpdesk.ParseIntervals(s)
	require.NoError(t, err)
	return iv
}

func holiday(t testing.TB, s string) helpdesk.Holiday {
	t.Helper()
	h, err := helpdesk.ParseHoliday(s)
	require.NoError(t, err)
	return h
}

// calendar builds a prepared calendar: weekdays Monday–Friday get weekday,
// Saturday saturday, Sunday sunday.
func calendar(t testing.TB, tz, weekday, saturday, sunday string, holidays ...string) *helpdesk.Calendar {
	t.Helper()
	c := &helpdesk.Calendar{Name: tz, TimeZone: tz}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = hours(t, weekday)
	}
	c.Week[time.Saturday] = hours(t, saturday)
	c.Week[time.Sunday] = hours(t, sunday)
	for _, h := range holidays {
		c.Holidays = append(c.Holidays, holiday(t, h))
	}
	require.NoError(t, c.Prepare())
	return c
}

// The calendars of the tests: split shifts and lunch breaks, with and
// without daylight saving, and round-the-clock ones whose days carry the
// daylight-saving changes (Madrid at 02:00/03:00, Santiago at midnight).
func testCalendars(t testing.TB) map[string]*helpdesk.Calendar {
	return map[string]*helpdesk.Calendar{
		"madrid":     calendar(t, "Europe/Madrid", "09:00-14:00, 15:00-18:00", "", "", "12-25", "01-01", "2026-01-06"),
		"santiago":   calendar(t, "America/Santiago", "08:30-13:00, 14:00-17:30", "09:00-12:00", "", "09-18", "2026-05-21"),
		"mexico":     calendar(t, "America/Mexico_City", "09:00-19:00", "09:00-14:00", "", "12-12"),
		"bogota":     calendar(t, "America/Bogota", "07:00-12:00, 13:00-17:00", "", "", "07-20"),
		"madrid24":   calendar(t, "Europe/Madrid", "00:00-24:00", "00:00-24:00", "00:00-24:00"),
		"santiago24": calendar(t, "America/Santiago", "00:00-24:00", "00:00-24:00", "00:00-24:00"),
		"madridnite": calendar(t, "Europe/Madrid", "", "01:30-03:30, 20:00-24:00", "00:00-02:30, 02:45-06:00"),
	}
}

func local(t testing.TB, tz, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(tz)
	require.NoError(t, err)
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	require.NoError(t, err)
	return v
}

func TestCalendarAddBusinessMinutes(t *testing.T) {
	t.Parallel()
	cals := testCalendars(t)
	tests := []struct {
		name, cal, start string
		n                int
		want             string
	}{
		{"inside the morning", "madrid", "2026-11-23 08:00", 60, "2026-11-23 10:00"},
		{"up to the lunch break", "madrid", "2026-11-23 09:00", 300, "2026-11-23 14:00"},
		{"over the lunch break", "madrid", "2026-11-23 09:00", 301, "2026-11-23 15:01"},
		{"started during lunch", "madrid", "2026-11-23 14:20", 10, "2026-11-23 15:10"},
		{"a full day ends at closing", "madrid", "2026-11-23 09:00", 480, "2026-11-23 18:00"},
		{"one minute more is the next morning", "madrid", "2026-11-23 09:00", 481, "2026-11-24 09:01"},
		{"over the weekend", "madrid", "2026-11-27 17:30", 60, "2026-11-30 09:30"},
		{"started on Sunday", "madrid", "2026-11-29 11:00", 30, "2026-11-30 09:30"},
		{"over a yearly holiday", "madrid", "2026-12-24 17:00", 120, "2026-12-28 10:00"},
		{"over a one-off holiday", "madrid", "2026-01-05 17:00", 120, "2026-01-07 10:00"},
		{"a working week", "madrid", "2026-11-23 09:00", 2400, "2026-11-27 18:00"},
		{"five weeks", "madrid", "2026-11-02 09:00", 5 * 2400, "2026-12-04 18:00"},
		{"longer than a week past a holiday", "madrid", "2026-12-21 09:00", 2401, "2026-12-29 09:01"},
		{"Madrid spring forward skips 02:00-03:00", "madrid24", "2026-03-29 01:30", 60, "2026-03-29 03:30"},
		{"Madrid fall back repeats an hour", "madrid24", "2026-10-25 01:30", 120, "2026-10-25 02:30"},
		// 02:30 and 02:45 do not exist that night: a boundary in the skipped
		// hour is the instant of the change, so the first shift ends and the
		// second opens at 03:00 CEST, back to back.
		{"split shift in the night of the change", "madridnite", "2026-03-29 00:00", 120, "2026-03-29 03:00"},
		{"the next shift opens at the change", "madridnite", "2026-03-29 00:00", 150, "2026-03-29 03:30"},
		{"Santiago Saturday half-day", "santiago", "2026-11-21 11:00", 90, "2026-11-23 09:00"},
		{"Santiago split shift", "santiago", "2026-11-23 12:30", 60, "2026-11-23 14:30"},
		{"Santiago fall back at midnight", "santiago24", "2026-04-04 22:00", 180, "2026-04-05 00:00"},
		{"Mexico City Saturday", "mexico", "2026-11-21 13:00", 120, "2026-11-23 10:00"},
		{"Bogota lunch break", "bogota", "2026-11-23 11:00", 120, "2026-11-23 14:00"},
		{"Bogota yearly holiday", "bogota", "2026-07-17 16:00", 120, "2026-07-21 08:00"},
		{"zero minutes stays put, even when closed", "madrid", "2026-11-29 11:00", 0, "2026-11-29 11:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cals[tt.cal]
			start := local(t, c.TimeZone, tt.start)
			got := c.AddBusinessMinutes(start, tt.n)
			assert.Equal(t, tt.want, got.In(c.Location()).Format("2006-01-02 15:04"), "from %s + %d", tt.start, tt.n)
			assert.Equal(t, tt.n, c.BusinessMinutesBetween(start, got), "between inverts add")
		})
	}
}

func TestCalendarBusinessMinutesBetween(t *testing.T) {
	t.Parallel()
	cals := testCalendars(t)
	tests := []struct {
		name, cal, a, b string
		want            int
	}{
		{"a working day", "madrid", "2026-11-23 00:00", "2026-11-24 00:00", 480},
		{"a week", "madrid", "2026-11-23 00:00", "2026-11-30 00:00", 2400},
		{"a week with a holiday", "madrid", "2026-12-21 00:00", "2026-12-28 00:00", 1920},
		{"backwards is negative", "madrid", "2026-11-24 00:00", "2026-11-23 00:00", -480},
		{"inside lunch", "madrid", "2026-11-23 14:05", "2026-11-23 14:55", 0},
		{"Madrid spring forward day has 23 hours", "madrid24", "2026-03-29 00:00", "2026-03-30 00:00", 23 * 60},
		{"Madrid fall back day has 25 hours", "madrid24", "2026-10-25 00:00", "2026-10-26 00:00", 25 * 60},
		{"Santiago fall back Saturday has 25 hours", "santiago24", "2026-04-04 00:00", "2026-04-05 00:00", 25 * 60},
		{"Santiago spring forward Sunday has 23 hours", "santiago24", "2026-09-06 02:00", "2026-09-07 00:00", 22 * 60},
		{"Santiago weekend across the change", "santiago24", "2026-09-05 00:00", "2026-09-07 00:00", 47 * 60},
		{"night shifts on the change", "madridnite", "2026-03-28 00:00", "2026-03-30 00:00", 120 + 240 + 120 + 180},
		{"Mexico City has no daylight saving", "mexico", "2026-04-06 00:00", "2026-04-13 00:00", 5*600 + 300},
		{"Bogota week", "bogota", "2026-11-23 00:00", "2026-11-30 00:00", 5 * 540},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cals[tt.cal]
			a, b := local(t, c.TimeZone, tt.a), local(t, c.TimeZone, tt.b)
			assert.Equal(t, tt.want, c.BusinessMinutesBetween(a, b))
		})
	}
}

func TestCalendarHoursCountEveryMinute(t *testing.T) {
	t.Parallel()
	c := helpdesk.CalendarHours()
	start := local(t, "Europe/Madrid", "2026-03-29 01:30")
	assert.Equal(t, start.Add(90*time.Minute), c.AddBusinessMinutes(start, 90))
	assert.Equal(t, 24*60*9, c.BusinessMinutesBetween(start, start.Add(9*24*time.Hour)))
	assert.True(t, c.IsOpen(start))
}

func TestCalendarPrepareRefusesBadInput(t *testing.T) {
	t.Parallel()
	c := helpdesk.Calendar{Name: "", TimeZone: "Mars/Olympus"}
	c.Week[time.Monday] = []helpdesk.Interval{{Start: 600, End: 540}}
	c.Week[time.Tuesday] = []helpdesk.Interval{{Start: 540, End: 720}, {Start: 700, End: 800}}
	c.Holidays = []helpdesk.Holiday{{Month: 2, Day: 30}}
	err := c.Prepare()
	var ve *helpdesk.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, map[string]string{
		"name": "error.required", "time_zone": "sla.error.time_zone", "day1": "sla.error.interval",
		"day2": "sla.error.overlap", "holidays": "sla.error.holiday",
	}, ve.Fields)

	empty := helpdesk.Calendar{Name: "Nunca", TimeZone: "UTC"}
	require.ErrorAs(t, empty.Prepare(), &ve)
	assert.Equal(t, "sla.error.no_hours", ve.Fields["week"])

	for _, bad := range []string{"9-18", "09:00-08:00", "09:00", "24:30-25:00", "09:0-10:00"} {
		_, err := helpdesk.ParseIntervals(bad)
		assert.Error(t, err, bad)
	}
	for _, bad := range []string{"2026-13-01", "12/25", "1-1"} {
		_, err := helpdesk.ParseHoliday(bad)
		assert.Error(t, err, bad)
	}
}

// randomStart picks instants over three years, a third of them on the very
// days daylight saving changes, with seconds, so results are exact.
func randomStart(r *rand.Rand, loc *time.Location) time.Time {
	days := []string{"2025-03-30", "2025-10-26", "2026-03-29", "2026-10-25", "2026-04-04", "2026-09-06", "2025-04-05", "2025-09-07"}
	if r.Intn(3) == 0 {
		d, _ := time.ParseInLocation("2006-01-02", days[r.Intn(len(days))], loc)
		return d.Add(time.Duration(r.Int63n(int64(30 * time.Hour)))).Add(-3 * time.Hour)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	return base.Add(time.Duration(r.Int63n(int64(3 * 365 * 24 * time.Hour))))
}

func TestCalendarProperties(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(7))
	for name, c := range testCalendars(t) {
		t.Run(name, func(t *testing.T) {
			for i := 0; i < 400; i++ {
				start := randomStart(r, c.Location())
				a, b := r.Intn(6000), r.Intn(20000) // up to about two months of office hours
				ab := c.AddBusinessMinutes(c.AddBusinessMinutes(start, a), b)
				require.Equal(t, c.AddBusinessMinutes(start, a+b), ab, "add(%d) then add(%d) from %s", a, b, start)
				end := c.AddBusinessMinutes(start, a+b)
				require.Equal(t, a+b, c.BusinessMinutesBetween(start, end), "between inverts add from %s", start)
				require.Equal(t, time.Duration(a+b)*time.Minute, c.BusinessBetween(start, end))
				if a+b > 0 {
					require.True(t, c.IsOpen(end), "%s + %d = %s is inside opening hours", start, a+b, end)
				}
				require.False(t, end.Before(start))
				// Between is additive over any split point.
				mid := start.Add(time.Duration(r.Int63n(int64(end.Sub(start)) + 1)))
				require.Equal(t, c.BusinessBetween(start, end), c.BusinessBetween(start, mid)+c.BusinessBetween(mid, end))
			}
		})
	}
}

func TestCalendarIsOpen(t *testing.T) {
	t.Parallel()
	c := testCalendars(t)["madrid"]
	for s, want := range map[string]bool{
		"2026-11-23 08:59": false, "2026-11-23 09:00": true, "2026-11-23 14:00": true, "2026-11-23 14:30": false,
		"2026-11-23 18:00": true, "2026-11-23 18:01": false, "2026-11-28 10:00": false, "2026-12-25 10:00": false,
	} {
		assert.Equal(t, want, c.IsOpen(local(t, c.TimeZone, s)), s)
	}
}

func BenchmarkAddBusinessMinutes(b *testing.B) {
	cals := testCalendars(b)
	for _, tc := range []struct {
		cal string
		n   int
	}{{"madrid", 240}, {"madrid", 2400}, {"madrid", 4 * 2400}, {"santiago", 600}, {"madrid24", 10080}} {
		c := cals[tc.cal]
		start := local(b, c.TimeZone, "2026-11-23 10:17")
		b.Run(fmt.Sprintf("%s/%dmin", tc.cal, tc.n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = c.AddBusinessMinutes(start, tc.n)
			}
		})
	}
	c := helpdesk.CalendarHours()
	b.Run("calendar-hours", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = c.AddBusinessMinutes(time.Unix(0, 0), 10080)
		}
	})
}

func BenchmarkBusinessMinutesBetween(b *testing.B) {
	c := testCalendars(b)["madrid"]
	start := local(b, c.TimeZone, "2026-11-23 10:17")
	for _, days := range []int{1, 7, 30} {
		end := start.AddDate(0, 0, days)
		b.Run(fmt.Sprintf("%ddays", days), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = c.BusinessMinutesBetween(start, end)
			}
		})
	}
}
