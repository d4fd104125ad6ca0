package helpdesk

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CustomFieldID identifies a custom field definition inside a tenant.
type CustomFieldID int64

// FieldType is the type of a custom field.
type FieldType string

const (
	FieldText     FieldType = "text"     // one line, up to MaxFieldTextLen characters
	FieldNumber   FieldType = "number"   // finite decimal
	FieldDate     FieldType = "date"     // calendar date, no time zone
	FieldDropdown FieldType = "dropdown" // one of the definition's options
	// FieldMultiSelect is any number of the definition's options, kept in
	// the options' order and joined by MultiSelectSeparator in Text.
	FieldMultiSelect FieldType = "multiselect"
	FieldCheckbox    FieldType = "checkbox"
)

// ParseFieldType turns a stored or submitted value into a FieldType.
func ParseFieldType(s string) (FieldType, error) {
	switch t := FieldType(s); t {
	case FieldText, FieldNumber, FieldDate, FieldDropdown, FieldMultiSelect, FieldCheckbox:
		return t, nil
	}
	return "", invalid("type", "error.invalid")
}

func (t FieldType) String() string { return string(t) }

// FieldTypes lists the types in the order the admin pages offer them.
func FieldTypes() []FieldType {
	return []FieldType{FieldText, FieldNumber, FieldDate, FieldDropdown, FieldMultiSelect, FieldCheckbox}
}

// HasOptions reports whether fields of type t choose among options.
func (t FieldType) HasOptions() bool { return t == FieldDropdown || t == FieldMultiSelect }

// MultiSelectSeparator joins the chosen options of a multi-select value,
// in forms and in storage. No option can contain it (CleanLine).
const MultiSelectSeparator = "\n"

// Custom field limits.
const (
	MaxFieldTextLen = 1000 // characters of a text value
	MaxFieldOptions = 200
	maxFieldNumber  = 1e15 // beyond this, float64 stops holding every integer
	fieldDateLayout = "2006-01-02"
)

// CustomFieldOption is one choice of a dropdown: Value is stored, Label shown.
type CustomFieldOption struct {
	Value string
	Label string
}

// CustomFieldDef is an admin-defined ticket field (e.g. "location"). The
// definitions are tenant data.
type CustomFieldDef struct {
	ID      CustomFieldID
	Key     string // stable machine name: [a-z][a-z0-9_]{0,39}
	Label   string
	Type    FieldType
	Options []CustomFieldOption // dropdown and multi-select only
	// CustomerVisible fields appear in the portal: customers fill them in
	// when opening a ticket and see their values.
	CustomerVisible bool
	// Required fields must be filled in by a customer opening a ticket (only
	// meaningful with CustomerVisible); a required checkbox must be ticked.
	Required bool
	// AgentRequired fields may not be cleared by staff once set, and must
	// be set before staff solve the ticket.
	AgentRequired bool
	// Position orders the forms (then the id).
	Position int
	Active   bool
}

// Validate checks a definition as an admin submits it.
func (d *CustomFieldDef) Validate() error {
	d.Label = CleanLine(d.Label)
	var v ValidationError
	if !validFieldKey(d.Key) {
		v.Add("key", "error.invalid")
	}
	switch {
	case d.Label == "":
		v.Add("label", "error.required")
	case runeLen(d.Label) > MaxNameLen:
		v.Add("label", "error.too_long")
	}
	if _, err := ParseFieldType(string(d.Type)); err != nil {
		v.Add("type", "error.invalid")
	}
	if d.Type.HasOptions() {
		seen := map[string]bool{}
		if len(d.Options) == 0 || len(d.Options) > MaxFieldOptions {
			v.Add("options", "error.invalid")
		}
		for i := range d.Options {
			o := &d.Options[i]
			o.Value, o.Label = CleanLine(o.Value), CleanLine(o.Label)
			if o.Value == "" || o.Label == "" || seen[o.Value] || runeLen(o.Value) > MaxNameLen || runeLen(o.Label) > MaxNameLen {
				v.Add("options", "error.invalid")
			}
			seen[o.Value] = true
		}
	} else if len(d.Options) > 0 {
		v.Add("options", "error.invalid")
	}
	return v.Err()
}

func validFieldKey(k string) bool {
	if k == "" || len(k) > 40 || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// CustomFieldValue is the value of one custom field on one ticket. Only the
// member matching Type is meaningful.
type CustomFieldValue struct {
	Field  CustomFieldID
	Type   FieldType
	Text   string    // text, and the option value of a dropdown
	Number float64   // number
	Date   time.Time // date, at 00:00 UTC
	Bool   bool      // checkbox
}

// String renders v as history and forms show it (dates as 2006-01-02,
// checkboxes as true/false); Parse reads it back.
func (v CustomFieldValue) String() string {
	switch v.Type {
	case FieldNumber:
		return formatNumber(v.Number)
	case FieldDate:
		return v.Date.Format(fieldDateLayout)
	case FieldCheckbox:
		if v.Bool {
			return "true"
		}
		return "false"
	}
	return v.Text
}

// Parse reads a submitted value for d. An empty raw value (after trimming)
// means "clear the field" and returns ok=false, except for a checkbox, where
// it means unticked. Numbers accept a decimal comma ("12,5").
func (d CustomFieldDef) Parse(raw string) (v CustomFieldValue, ok bool, err error) {
	field := customFieldPrefix + d.Key
	v = CustomFieldValue{Field: d.ID, Type: d.Type}
	if d.Type == FieldMultiSelect {
		return d.parseMulti(raw)
	}
	raw = CleanLine(raw)
	if raw == "" && d.Type != FieldCheckbox {
		return v, false, nil
	}
	switch d.Type {
	case FieldText:
		if runeLen(raw) > MaxFieldTextLen {
			return v, false, invalid(field, "error.too_long")
		}
		v.Text = raw
	case FieldNumber:
		n, err := parseNumber(raw)
		if err != nil {
			return v, false, invalid(field, "error.number")
		}
		v.Number = n
	case FieldDate:
		t, err := time.Parse(fieldDateLayout, raw)
		if err != nil {
			return v, false, invalid(field, "error.date")
		}
		v.Date = t
	case FieldDropdown:
		if !slices.ContainsFunc(d.Options, func(o CustomFieldOption) bool { return o.Value == raw }) {
			return v, false, invalid(field, "error.invalid")
		}
		v.Text = raw
	case FieldCheckbox:
		switch strings.ToLower(raw) {
		case "", "false", "off", "0", "no":
		case "true", "on", "1", "yes":
			v.Bool = true
		default:
			return v, false, invalid(field, "error.invalid")
		}
	default:
		return v, false, invalid(field, "error.invalid")
	}
	return v, true, nil
}

// parseMulti reads the chosen options of a multi-select, separated by
// MultiSelectSeparator; none chosen clears the field. Every choice must be
// one of d's options; the value keeps the options' order, once each.
func (d CustomFieldDef) parseMulti(raw string) (CustomFieldValue, bool, error) {
	v := CustomFieldValue{Field: d.ID, Type: d.Type}
	chosen := map[string]bool{}
	for _, part := range strings.Split(raw, MultiSelectSeparator) {
		part = CleanLine(part)
		if part == "" {
			continue
		}
		if !slices.ContainsFunc(d.Options, func(o CustomFieldOption) bool { return o.Value == part }) {
			return v, false, invalid(customFieldPrefix+d.Key, "error.invalid")
		}
		chosen[part] = true
	}
	if len(chosen) == 0 {
		return v, false, nil
	}
	var out []string
	for _, o := range d.Options {
		if chosen[o.Value] {
			out = append(out, o.Value)
		}
	}
	v.Text = strings.Join(out, MultiSelectSeparator)
	return v, true, nil
}

// Values splits a multi-select value into its options.
func (v CustomFieldValue) Values() []string {
	if v.Type != FieldMultiSelect || v.Text == "" {
		return nil
	}
	return strings.Split(v.Text, MultiSelectSeparator)
}

// missing reports whether v (ok=false: unset) fails d's Required rule.
func (d CustomFieldDef) missing(v CustomFieldValue, ok bool) bool {
	return d.Required && (!ok || (d.Type == FieldCheckbox && !v.Bool))
}

// parseNumber accepts "12", "-3.5" and, as Spanish users type it, "12,5".
func parseNumber(s string) (float64, error) {
	if !strings.Contains(s, ".") && strings.Count(s, ",") == 1 {
		s = strings.Replace(s, ",", ".", 1)
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || math.Abs(n) >= maxFieldNumber {
		return 0, errors.New("helpdesk: not a number")
	}
	return n, nil
}

func formatNumber(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }
