package helpdesk_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// dayCalendar opens only on one weekday, with the given hours.
func dayCalendar(t *testing.T, tz string, day time.Weekday, h string) *helpdesk.Calendar {
	t.Helper()
	c := &helpdesk.Calendar{Name: tz, TimeZone: tz}
	c.Week[day] = hours(t, h)
	require.NoError(t, c.Prepare())
	return c
}

func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v
}

// TestCalendarDaylightSavingBoundaries pins the rule for an opening-hours
// boundary that falls where the clock jumps: inside the skipped hour it is
// the instant of the change; inside the repeated hour it is the first
// occurrence. Both directions, in Madrid (changes at 02:00/03:00) and
// Santiago (changes at midnight).
func TestCalendarDaylightSavingBoundaries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		tz       string
		day      time.Weekday
		hours    string
		from, to string // a window around the change, UTC
		minutes  int    // open minutes in the window
		opens    string // first opening instant at or after from, UTC
		closes   string // the interval's closing instant, UTC
		openAt   string // an instant that must be open (UTC), or ""
		closedAt string // an instant that must be closed (UTC), or ""
	}{
		{
			// 2026-09-06 00:00 does not exist: the clock jumps to 01:00 (-03),
			// so Saturday's 24:00 is the change, 04:00Z: 240 minutes.
			name: "Santiago spring forward, close in the gap", tz: "America/Santiago", day: time.Saturday, hours: "20:00-24:00",
			from: "2026-09-05T12:00:00Z", to: "2026-09-06T12:00:00Z", minutes: 240,
			opens: "2026-09-06T00:00:00Z", closes: "2026-09-06T04:00:00Z",
			openAt: "2026-09-06T03:30:00Z", // Saturday 23:30 local
		},
		{
			// Sunday 00:00 is the change too: it opens at 01:00 (-03), never
			// on Saturday 23:00 (-04).
			name: "Santiago spring forward, open in the gap", tz: "America/Santiago", day: time.Sunday, hours: "00:00-02:00",
			from: "2026-09-05T12:00:00Z", to: "2026-09-06T12:00:00Z", minutes: 60,
			opens: "2026-09-06T04:00:00Z", closes: "2026-09-06T05:00:00Z",
			closedAt: "2026-09-06T03:30:00Z",
		},
		{
			// Saturday 2026-04-04 23:00-24:00 happens twice (-03 then -04):
			// 23:30 is its first occurrence, 02:30Z.
			name: "Santiago fall back, close in the repeated hour", tz: "America/Santiago", day: time.Saturday, hours: "20:00-23:30",
			from: "2026-04-04T12:00:00Z", to: "2026-04-05T12:00:00Z", minutes: 210,
			opens: "2026-04-04T23:00:00Z", closes: "2026-04-05T02:30:00Z",
			closedAt: "2026-04-05T03:30:00Z", // the second 23:30
		},
		{
			// An interval across the repeated hour counts it twice: 5 hours.
			name: "Santiago fall back, interval across the repeated hour", tz: "America/Santiago", day: time.Saturday, hours: "20:00-24:00",
			from: "2026-04-04T12:00:00Z", to: "2026-04-05T12:00:00Z", minutes: 300,
			opens: "2026-04-04T23:00:00Z", closes: "2026-04-05T04:00:00Z",
		},
		{
			// 2027-03-28 02:30 does not exist in Madrid (02:00 jumps to 03:00
			// CEST at 01:00Z): the interval opens at the change.
			name: "Madrid spring forward, open in the gap", tz: "Europe/Madrid", day: time.Sunday, hours: "02:30-05:00",
			from: "2027-03-27T12:00:00Z", to: "2027-03-28T12:00:00Z", minutes: 120,
			opens: "2027-03-28T01:00:00Z", closes: "2027-03-28T03:00:00Z",
			openAt: "2027-03-28T01:00:00Z", closedAt: "2027-03-28T00:59:00Z",
		},
		{
			name: "Madrid spring forward, close in the gap", tz: "Europe/Madrid", day: time.Sunday, hours: "00:00-02:30",
			from: "2027-03-27T12:00:00Z", to: "2027-03-28T12:00:00Z", minutes: 120,
			opens: "2027-03-27T23:00:00Z", closes: "2027-03-28T01:00:00Z",
		},
		{
			// 2026-10-25 02:00-03:00 happens twice (CEST then CET): 02:30 is
			// its first occurrence, 00:30Z.
			name: "Madrid fall back, open in the repeated hour", tz: "Europe/Madrid", day: time.Sunday, hours: "02:30-05:00",
			from: "2026-10-24T12:00:00Z", to: "2026-10-25T12:00:00Z", minutes: 210,
			opens: "2026-10-25T00:30:00Z", closes: "2026-10-25T04:00:00Z",
		},
		{
			name: "Madrid fall back, close in the repeated hour", tz: "Europe/Madrid", day: time.Sunday, hours: "00:00-02:30",
			from: "2026-10-24T12:00:00Z", to: "2026-10-25T12:00:00Z", minutes: 150,
			opens: "2026-10-24T22:00:00Z", closes: "2026-10-25T00:30:00Z",
			closedAt: "2026-10-25T01:15:00Z", // the second 02:15
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := dayCalendar(t, tt.tz, tt.day, tt.hours)
			from, to := utc(t, tt.from), utc(t, tt.to)
			assert.Equal(t, tt.minutes, c.BusinessMinutesBetween(from, to))
			assert.Equal(t, utc(t, tt.opens), c.AddBusiness(from, time.Nanosecond).Add(-time.Nanosecond).UTC(), "opens")
			assert.Equal(t, utc(t, tt.closes), c.AddBusinessMinutes(from, tt.minutes).UTC(), "closes")
			if tt.openAt != "" {
				assert.True(t, c.IsOpen(utc(t, tt.openAt)), "open at %s", tt.openAt)
			}
			if tt.closedAt != "" {
				assert.False(t, c.IsOpen(utc(t, tt.closedAt)), "closed at %s", tt.closedAt)
			}
		})
	}
}

// TestCalendarDaylightSavingTarget is the example: a 200-minute
// target started 2026-09-05T20:00Z on a Santiago desk open Saturdays
// 20:00-24:00 lands at 2026-09-06T03:20Z, not days later.
func TestCalendarDaylightSavingTarget(t *testing.T) {
	t.Parallel()
	c := dayCalendar(t, "America/Santiago", time.Saturday, "20:00-24:00")
	assert.Equal(t, utc(t, "2026-09-06T03:20:00Z"), c.AddBusinessMinutes(utc(t, "2026-09-05T20:00:00Z"), 200).UTC())
	assert.True(t, c.IsOpen(utc(t, "2026-09-06T03:30:00Z")))
}
