package i18n

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCountsTakeTheLanguagesPluralForm(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		l    Lang
		key  string
		n    int
		want string
	}{
		{ES, "routing.conditions", 0, "0 condiciones"},
		{ES, "routing.conditions", 1, "1 condición"},
		{ES, "routing.conditions", 2, "2 condiciones"},
		{EN, "routing.conditions", 1, "1 condition"},
		{EN, "routing.conditions", 3, "3 conditions"},
		{ES, "i18n.minutes", 1, "1 minuto"},
		{ES, "i18n.minutes", 15, "15 minutos"},
		{EN, "i18n.hours", 1, "1 hour"},
		{EN, "i18n.hours", 2, "2 hours"},
	} {
		assert.Equal(t, tc.want, tc.l.N(tc.key, tc.n), "%s %s %d", tc.l, tc.key, tc.n)
	}
}

func TestDurationsInWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		l       Lang
		minutes int
		want    string
	}{
		{ES, 15, "15 minutos"},
		{ES, 60, "1 hora"},
		{ES, 120, "2 horas"},
		{ES, 90, "1 h 30 min"},
		{ES, 1440, "1 día"},
		{ES, 2880, "2 días"},
		{EN, 1, "1 minute"},
		{EN, 30, "30 minutes"},
		{EN, 1440, "1 day"},
		{EN, 150, "2 h 30 min"},
	} {
		assert.Equal(t, tc.want, tc.l.Duration(tc.minutes), "%s %d", tc.l, tc.minutes)
	}
}

func TestDatesInTheDesksZoneAndTheReadersLanguage(t *testing.T) {
	t.Parallel()
	mx, err := time.LoadLocation("America/Mexico_City")
	require.NoError(t, err)
	at := time.Date(2026, 12, 7, 0, 54, 0, 0, time.UTC) // 18:54 the day before in Mexico City
	for _, tc := range []struct {
		l    Lang
		loc  *time.Location
		want string
	}{
		{ES, mx, "6 dic 2026, 18:54"},
		{EN, mx, "6 Dec 2026, 18:54"},
		{ES, time.UTC, "7 dic 2026, 00:54"},
		{EN, nil, "7 Dec 2026, 00:54"},
	} {
		assert.Equal(t, tc.want, tc.l.DateTime(tc.loc, at), "%s %v", tc.l, tc.loc)
	}
	assert.Equal(t, "6 dic 2026", ES.Date(mx, at))
	assert.Equal(t, "", ES.DateTime(mx, time.Time{}))
	assert.Equal(t, "sept", ES.Date(nil, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))[2:6])
}

// The dates are appended by hand; they read as the format strings they
// replaced say, at any hour, day and year.
func TestDateTimeMatchesItsFormat(t *testing.T) {
	t.Parallel()
	mx, err := time.LoadLocation("America/Mexico_City")
	require.NoError(t, err)
	at := time.Date(1999, 12, 31, 23, 59, 0, 0, time.UTC)
	for i := range 2000 {
		at = at.Add(time.Duration(i) * 97 * time.Minute)
		for _, l := range Supported {
			local := at.In(mx)
			months := monthsShort[l]
			date := fmt.Sprintf("%d %s %d", local.Day(), months[local.Month()-1], local.Year())
			assert.Equal(t, date, l.Date(mx, at))
			assert.Equal(t, date+fmt.Sprintf(", %02d:%02d", local.Hour(), local.Minute()), l.DateTime(mx, at))
		}
	}
}
