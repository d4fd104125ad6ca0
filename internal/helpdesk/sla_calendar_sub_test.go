package helpdesk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubBusinessIsTheInverseOfAddBusiness(t *testing.T) {
	t.Parallel()
	c := Calendar{Name: "Oficina", TimeZone: "UTC", Week: [7][]Interval{1: {{540, 1080}}, 2: {{540, 1080}}, 3: {{540, 1080}}, 4: {{540, 1080}}, 5: {{540, 1080}}}}
	require.NoError(t, c.prepare())
	mon := time.Date(2025, 3, 17, 9, 15, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		end  time.Time
		d    time.Duration
		want time.Time
	}{
		{"inside one day", time.Date(2025, 3, 18, 12, 0, 0, 0, time.UTC), 30 * time.Minute, time.Date(2025, 3, 18, 11, 30, 0, 0, time.UTC)},
		{"back over the weekend", mon, 30 * time.Minute, time.Date(2025, 3, 14, 17, 45, 0, 0, time.UTC)},
		{"exactly at opening", time.Date(2025, 3, 17, 9, 30, 0, 0, time.UTC), 30 * time.Minute, time.Date(2025, 3, 17, 9, 0, 0, 0, time.UTC)},
		{"two business days", mon, 18 * time.Hour, time.Date(2025, 3, 13, 9, 15, 0, 0, time.UTC)},
	} {
		got, ok := c.SubBusiness(tc.end, tc.d)
		require.True(t, ok, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
		assert.Equal(t, tc.d, c.BusinessBetween(got, tc.end), tc.name)
	}
	closed := Calendar{Name: "Cerrado", TimeZone: "UTC", Week: [7][]Interval{1: {{540, 541}}}}
	require.NoError(t, closed.prepare())
	_, ok := closed.SubBusiness(mon, 1000*time.Hour)
	assert.False(t, ok, "a calendar that never opens enough is never due")
}
