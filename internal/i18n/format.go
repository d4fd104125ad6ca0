package i18n

import (
	"strconv"
	"time"
)

// Plural forms. A counted message has one catalogue entry per form the
// language uses, under the message's key plus "." and the form:
// "routing.conditions.one" = "%d condición", "routing.conditions.other" =
// "%d condiciones". Spanish and English both use one (exactly 1) and other
// (everything else, 0 included). CLDR also gives Spanish "many" for whole
// millions ("1 000 000 de tickets"); no count here comes near that, so the
// catalogue leaves it to other.
const (
	PluralOne   = "one"
	PluralOther = "other"
)

// PluralForm is the plural form l uses for n.
func (l Lang) PluralForm(n int) string {
	if n == 1 || n == -1 {
		return PluralOne
	}
	return PluralOther
}

// N is the counted message key in the plural form that n takes, formatted
// with n first and then args: N("routing.conditions", 1) is "1 condición".
// Every count shown to people goes through N, never T with a fixed plural.
func (l Lang) N(key string, n int, args ...any) string {
	return l.T(key+"."+l.PluralForm(n), append([]any{n}, args...)...)
}

var monthsShort = map[Lang][12]string{
	ES: {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},
	EN: {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

// DateTime renders an instant for people, in the desk's time zone loc and
// the language's words: "6 dic 2026, 18:54" (both languages put the day
// first and use a 24-hour clock, as the desk's people do). The zero time is
// "".
func (l Lang) DateTime(loc *time.Location, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(orUTC(loc))
	// Appended by hand: a queue page writes some 150 of these, and fmt
	// was most of the time it took to build.
	var buf [32]byte
	b := l.appendDate(buf[:0], t)
	b = append(b, ", "...)
	b = append2(b, t.Hour())
	b = append(b, ':')
	b = append2(b, t.Minute())
	return string(b)
}

// append2 appends n (0–99) in two digits.
func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// Date is DateTime without the time of day: "6 dic 2026".
func (l Lang) Date(loc *time.Location, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	var buf [24]byte
	return string(l.appendDate(buf[:0], t.In(orUTC(loc))))
}

// appendDate appends "6 dic 2026", t being in the desk's zone already.
func (l Lang) appendDate(b []byte, t time.Time) []byte {
	months, ok := monthsShort[l]
	if !ok {
		months = monthsShort[Default]
	}
	b = strconv.AppendInt(b, int64(t.Day()), 10)
	b = append(b, ' ')
	b = append(b, months[t.Month()-1]...)
	b = append(b, ' ')
	return strconv.AppendInt(b, int64(t.Year()), 10)
}

// Duration says a span of whole minutes as people write it, with the
// language's plurals: "15 minutos", "2 horas", "1 día", "1 h 30 min" in the
// short form when hours and minutes mix.
func (l Lang) Duration(minutes int) string {
	switch {
	case minutes%(24*60) == 0 && minutes > 0:
		return l.N("i18n.days", minutes/(24*60))
	case minutes%60 == 0 && minutes > 0:
		return l.N("i18n.hours", minutes/60)
	case minutes > 60:
		return l.T("i18n.hours_minutes", minutes/60, minutes%60)
	}
	return l.N("i18n.minutes", minutes)
}
