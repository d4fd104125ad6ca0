package helpdesk

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProfileValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   ProfileInput
		want map[string]string // field → message key; nil when valid
		out  ProfileInput      // cleaned, when valid
	}{
		{name: "minimal", in: ProfileInput{Name: "Rosa"}, out: ProfileInput{Name: "Rosa"}},
		{name: "cleaned", in: ProfileInput{Name: "  Rosa \u202e María\x00 ", Phone: " +34  (91) 555-12.34 ", Language: "en"},
			out: ProfileInput{Name: "Rosa María", Phone: "+34 (91) 555-12.34", Language: "en"}},
		{name: "phone of 32", in: ProfileInput{Name: "R", Phone: strings.Repeat("1", 32), Language: "es"},
			out: ProfileInput{Name: "R", Phone: strings.Repeat("1", 32), Language: "es"}},
		{name: "empty name", in: ProfileInput{Name: " \t "}, want: map[string]string{"name": "error.required"}},
		{name: "long name", in: ProfileInput{Name: strings.Repeat("ñ", MaxNameLen+1)}, want: map[string]string{"name": "error.too_long"}},
		{name: "phone too long", in: ProfileInput{Name: "R", Phone: strings.Repeat("1", 33)}, want: map[string]string{"phone": "error.too_long"}},
		{name: "phone letters", in: ProfileInput{Name: "R", Phone: "555-CALL"}, want: map[string]string{"phone": "error.phone"}},
		{name: "phone markup", in: ProfileInput{Name: "R", Phone: "<script>1</script>"}, want: map[string]string{"phone": "error.phone"}},
		{name: "phone without digits", in: ProfileInput{Name: "R", Phone: "+ ( )"}, want: map[string]string{"phone": "error.phone"}},
		{name: "unknown language", in: ProfileInput{Name: "R", Language: "fr"}, want: map[string]string{"language": "error.invalid"}},
		{name: "everything at once", in: ProfileInput{Phone: "x", Language: "EN"},
			want: map[string]string{"name": "error.required", "phone": "error.phone", "language": "error.invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in
			err := in.Validate()
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.out, in)
				return
			}
			var v *ValidationError
			require.ErrorAs(t, err, &v)
			assert.Equal(t, tt.want, v.Fields)
		})
	}
}
