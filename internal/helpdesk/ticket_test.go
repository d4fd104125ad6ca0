package helpdesk

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormaliseTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []string
		want []string
		key  string
	}{
		{name: "nothing", in: nil, want: nil},
		{name: "lower-cased, deduplicated, sorted", in: []string{"VPN", "red", "vpn"}, want: []string{"red", "vpn"}},
		{name: "one box, several tags", in: []string{" impresora, planta-2  urgente "}, want: []string{"impresora", "planta-2", "urgente"}},
		{name: "accents and allowed punctuation", in: []string{"Facturación", "v1.2", "área:norte", "a/b", "x_y"}, want: []string{"a/b", "facturación", "v1.2", "x_y", "área:norte"}},
		{name: "bidi and control dropped", in: []string{"ab\u202ecd\x00"}, want: []string{"abcd"}},
		{name: "markup refused", in: []string{"<script>"}, key: "error.tag_invalid"},
		{name: "formula refused", in: []string{"=HYPERLINK(x)"}, key: "error.tag_invalid"},
		{name: "too long", in: []string{strings.Repeat("a", MaxTagLength+1)}, key: "error.too_long"},
		{name: "too many", in: []string{strings.Repeat("t ", 0) + manyTags(MaxTags+1)}, key: "error.tags_too_many"},
		{name: "as many as allowed", in: []string{manyTags(MaxTags)}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NormaliseTags(tt.in)
			if tt.key != "" {
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tt.key, ve.Fields["tags"])
				return
			}
			require.NoError(t, err)
			if tt.name == "as many as allowed" {
				assert.Len(t, got, MaxTags)
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func manyTags(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(" t")
		b.WriteString(strings.Repeat("x", i))
	}
	return b.String()
}

func TestCustomFieldParse(t *testing.T) {
	t.Parallel()
	def := func(ft FieldType) CustomFieldDef {
		d := CustomFieldDef{ID: 1, Key: "f", Label: "F", Type: ft, Active: true}
		if ft == FieldDropdown {
			d.Options = []CustomFieldOption{{Value: "madrid", Label: "Madrid"}}
		}
		return d
	}
	date := time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		ft    FieldType
		raw   string
		want  CustomFieldValue
		unset bool
		bad   string
	}{
		{name: "text", ft: FieldText, raw: "  Sede\tcentral ", want: CustomFieldValue{Text: "Sede central"}},
		{name: "text cleared", ft: FieldText, raw: "  ", unset: true},
		{name: "text too long", ft: FieldText, raw: strings.Repeat("a", MaxFieldTextLen+1), bad: "error.too_long"},
		{name: "number", ft: FieldNumber, raw: "-3.25", want: CustomFieldValue{Number: -3.25}},
		{name: "number with decimal comma", ft: FieldNumber, raw: "12,5", want: CustomFieldValue{Number: 12.5}},
		{name: "number NaN", ft: FieldNumber, raw: "NaN", bad: "error.number"},
		{name: "number Inf", ft: FieldNumber, raw: "Inf", bad: "error.number"},
		{name: "number huge", ft: FieldNumber, raw: "1e20", bad: "error.number"},
		{name: "number words", ft: FieldNumber, raw: "doce", bad: "error.number"},
		{name: "date", ft: FieldDate, raw: "2026-02-28", want: CustomFieldValue{Date: date}},
		{name: "date impossible", ft: FieldDate, raw: "2026-02-30", bad: "error.date"},
		{name: "date with time", ft: FieldDate, raw: "2026-02-28T10:00:00Z", bad: "error.date"},
		{name: "dropdown", ft: FieldDropdown, raw: "madrid", want: CustomFieldValue{Text: "madrid"}},
		{name: "dropdown label is not a value", ft: FieldDropdown, raw: "Madrid", bad: "error.invalid"},
		{name: "checkbox on", ft: FieldCheckbox, raw: "on", want: CustomFieldValue{Bool: true}},
		{name: "checkbox empty is unticked", ft: FieldCheckbox, raw: "", want: CustomFieldValue{Bool: false}},
		{name: "checkbox nonsense", ft: FieldCheckbox, raw: "maybe", bad: "error.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, ok, err := def(tt.ft).Parse(tt.raw)
			if tt.bad != "" {
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tt.bad, ve.Fields["field:f"])
				return
			}
			require.NoError(t, err)
			assert.Equal(t, !tt.unset, ok)
			if tt.unset {
				return
			}
			tt.want.Field, tt.want.Type = 1, tt.ft
			assert.Equal(t, tt.want, v)
			back, ok, err := def(tt.ft).Parse(v.String())
			require.NoError(t, err)
			assert.True(t, ok)
			assert.Equal(t, v, back, "String and Parse round-trip")
		})
	}
}

func TestCustomFieldDefValidate(t *testing.T) {
	t.Parallel()
	good := CustomFieldDef{Key: "location", Label: " Sede ", Type: FieldDropdown,
		Options: []CustomFieldOption{{Value: "mad", Label: "Madrid"}, {Value: "bcn", Label: "Barcelona"}}}
	require.NoError(t, good.Validate())
	assert.Equal(t, "Sede", good.Label)
	tests := []struct {
		name  string
		def   CustomFieldDef
		field string
	}{
		{"bad key", CustomFieldDef{Key: "Sede", Label: "S", Type: FieldText}, "key"},
		{"key with space", CustomFieldDef{Key: "a b", Label: "S", Type: FieldText}, "key"},
		{"no label", CustomFieldDef{Key: "a", Type: FieldText}, "label"},
		{"bad type", CustomFieldDef{Key: "a", Label: "A", Type: "color"}, "type"},
		{"dropdown without options", CustomFieldDef{Key: "a", Label: "A", Type: FieldDropdown}, "options"},
		{"duplicate option", CustomFieldDef{Key: "a", Label: "A", Type: FieldDropdown,
			Options: []CustomFieldOption{{Value: "x", Label: "X"}, {Value: "x", Label: "Y"}}}, "options"},
		{"options on text", CustomFieldDef{Key: "a", Label: "A", Type: FieldText, Options: []CustomFieldOption{{Value: "x", Label: "X"}}}, "options"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ve *ValidationError
			require.ErrorAs(t, tt.def.Validate(), &ve)
			assert.Contains(t, ve.Fields, tt.field)
		})
	}
	_, err := ParseFieldType("checkbox")
	require.NoError(t, err)
	_, err = ParseFieldType("radio")
	require.Error(t, err)
}

func TestCloneSharesNothing(t *testing.T) {
	t.Parallel()
	tk := ticketIn(StatusOpen)
	tk.Fields = []CustomFieldValue{{Field: 1, Type: FieldText, Text: "a"}}
	tk.Links = []Link{{Kind: LinkRelated, Ticket: TicketRef{ID: 1, Number: 1}}}
	c := tk.Clone()
	c.Tags[0], c.Followers[0], c.Fields[0].Text, c.Links[0].Kind = "x", 1, "b", LinkDuplicateOf
	assert.Equal(t, "impresora", tk.Tags[0])
	assert.Equal(t, followerID, tk.Followers[0])
	assert.Equal(t, "a", tk.Fields[0].Text)
	assert.Equal(t, LinkRelated, tk.Links[0].Kind)
}

func TestTicketForCustomer(t *testing.T) {
	t.Parallel()
	tk := ticketIn(StatusOnHold)
	tk.Fields = []CustomFieldValue{{Field: 1, Type: FieldText, Text: "Sevilla"}, {Field: 5, Type: FieldCheckbox, Bool: true}}
	tk.Links = []Link{{Kind: LinkRelated, Ticket: TicketRef{ID: 3, Number: 3}}}
	tk.Reopens = 2
	c := tk.ForCustomer(fieldDefs)
	assert.Equal(t, StatusOpen, c.Status, "on hold reads as open")
	assert.Nil(t, c.Tags)
	assert.Nil(t, c.Followers)
	assert.Nil(t, c.Links)
	assert.Zero(t, c.Group)
	assert.Zero(t, c.Reopens)
	assert.Equal(t, []CustomFieldValue{{Field: 1, Type: FieldText, Text: "Sevilla"}}, c.Fields, "only customer-visible fields")
	assert.Equal(t, StatusOnHold, tk.Status, "the original is untouched")
	assert.Len(t, tk.Fields, 2)
}

func TestParseLinkKind(t *testing.T) {
	t.Parallel()
	for _, k := range []LinkKind{LinkRelated, LinkDuplicateOf, LinkFollowUpOf} {
		got, err := ParseLinkKind(k.String())
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	_, err := ParseLinkKind("blocks")
	require.Error(t, err)
}
