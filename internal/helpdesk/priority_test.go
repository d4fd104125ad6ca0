package helpdesk

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePriorityAndRank(t *testing.T) {
	t.Parallel()
	for i, p := range Priorities() {
		got, err := ParsePriority(p.String())
		require.NoError(t, err)
		assert.Equal(t, p, got)
		assert.Equal(t, i+1, p.Rank())
		back, err := PriorityFromRank(p.Rank())
		require.NoError(t, err)
		assert.Equal(t, p, back)
	}
	for _, bad := range []string{"", "Low", "critical", "medium"} {
		_, err := ParsePriority(bad)
		require.Error(t, err, bad)
	}
	for _, r := range []int{-1, 0, 5} {
		_, err := PriorityFromRank(r)
		require.Error(t, err)
	}
	assert.Less(t, PriorityLow.Rank(), PriorityUrgent.Rank())
}

func TestParseUrgencyImpact(t *testing.T) {
	t.Parallel()
	for _, u := range Urgencies() {
		got, err := ParseUrgency(string(u))
		require.NoError(t, err)
		assert.Equal(t, u, got)
	}
	for _, i := range Impacts() {
		got, err := ParseImpact(string(i))
		require.NoError(t, err)
		assert.Equal(t, i, got)
	}
	_, err := ParseUrgency("urgent")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Fields, "urgency")
	_, err = ParseImpact("")
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Fields, "impact")
}

func TestDefaultMatrixProposes(t *testing.T) {
	t.Parallel()
	m := DefaultPriorityMatrix()
	require.NoError(t, m.Validate())
	tests := []struct {
		impact  Impact
		urgency Urgency
		want    Priority
	}{
		{ImpactLow, UrgencyLow, PriorityLow},
		{ImpactLow, UrgencyMedium, PriorityLow},
		{ImpactLow, UrgencyHigh, PriorityNormal},
		{ImpactMedium, UrgencyLow, PriorityLow},
		{ImpactMedium, UrgencyMedium, PriorityNormal},
		{ImpactMedium, UrgencyHigh, PriorityHigh},
		{ImpactHigh, UrgencyLow, PriorityNormal},
		{ImpactHigh, UrgencyMedium, PriorityHigh},
		{ImpactHigh, UrgencyHigh, PriorityUrgent},
		{"", "", PriorityNormal}, // unknown levels count as medium
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, m.Propose(tt.impact, tt.urgency), "%s × %s", tt.impact, tt.urgency)
	}
}

func TestMatrixValidate(t *testing.T) {
	t.Parallel()
	holes := DefaultPriorityMatrix()
	holes[1][2] = ""
	inverted := DefaultPriorityMatrix()
	inverted[2][2] = PriorityLow
	flat := PriorityMatrix{}
	for i := range 3 {
		for u := range 3 {
			flat[i][u] = PriorityNormal
		}
	}
	tests := []struct {
		name   string
		m      PriorityMatrix
		fields []string
	}{
		{"default", DefaultPriorityMatrix(), nil},
		{"flat is allowed", flat, nil},
		{"empty cell", holes, []string{"matrix.medium.high"}},
		{"more urgency proposes less", inverted, []string{"matrix.high.high"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.m.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			for _, f := range tt.fields {
				assert.Contains(t, ve.Fields, f)
			}
		})
	}
	require.Error(t, PriorityMatrix{}.Validate())
}

func TestMatrixStringRoundTrip(t *testing.T) {
	t.Parallel()
	m := DefaultPriorityMatrix()
	assert.Equal(t, "low,low,normal/low,normal,high/normal,high,urgent", m.String())
	got, err := ParsePriorityMatrix(m.String())
	require.NoError(t, err)
	assert.Equal(t, m, got)
	for _, bad := range []string{"", "low", "low,low,normal/low,normal,high", "low,low/low,normal,high/normal,high,urgent",
		"urgent,low,low/low,normal,high/normal,high,urgent"} {
		_, err := ParsePriorityMatrix(bad)
		require.Error(t, err, bad)
	}
}
