// Package i18n is Atiende's message catalogue. Templates and handlers never
// hard-code user-facing prose: they ask a Lang for a key. Spanish is the
// default; English is complete. A missing key shows itself (the key in
// brackets) and is caught by the catalogue tests.
//
// Style: Spanish speaks to the reader as tú everywhere (portal, mail,
// console, admin: "tu solicitud", "tu referencia", "escribe"), never
// usted. Counts go through N, which picks the plural form ("1 condición",
// "2 condiciones"); instants through DateTime, in the desk's time zone
// ("6 dic 2026, 18:54"); spans of minutes through Duration. No message
// hard-codes a plural or a date layout.
package i18n

import (
	"fmt"
	"strings"
)

// Lang is a supported UI language.
type Lang string

const (
	ES Lang = "es"
	EN Lang = "en"
)

// Default is the language of a request with no stated preference.
const Default = ES

// Supported lists the UI languages in menu order.
var Supported = []Lang{ES, EN}

// Parse returns the Lang for s, or ok=false.
func Parse(s string) (Lang, bool) {
	switch Lang(strings.ToLower(strings.TrimSpace(s))) {
	case ES:
		return ES, true
	case EN:
		return EN, true
	}
	return "", false
}

// FromAcceptLanguage picks the first supported language of an
// Accept-Language header, or Default.
func FromAcceptLanguage(h string) Lang {
	for _, part := range strings.Split(h, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(tag, "-")
		if l, ok := Parse(base); ok {
			return l
		}
	}
	return Default
}

// T returns the message for key, formatted with args (fmt verbs).
func (l Lang) T(key string, args ...any) string {
	m, ok := catalogue[l][key]
	if !ok {
		m, ok = catalogue[Default][key]
	}
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(m, args...)
	}
	return m
}

// Has reports whether key exists in l.
func (l Lang) Has(key string) bool { _, ok := catalogue[l][key]; return ok }

// Name is the language's own name, for the language switch.
func (l Lang) Name() string { return l.T("lang.name") }

func (l Lang) String() string { return string(l) }

// Keys lists every key of l, for tests.
func Keys(l Lang) []string {
	out := make([]string, 0, len(catalogue[l]))
	for k := range catalogue[l] {
		out = append(out, k)
	}
	return out
}
