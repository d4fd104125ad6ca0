package console

import (
	"hash/fnv"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The fingerprint hashed as it goes is FNV-1a of the page's summary, as
// it was when the summary was built first: a poll from a page loaded
// before a deploy still matches.
func TestQueueFingerprintIsFNVOfThePageSummary(t *testing.T) {
	t.Parallel()
	rows := queueOf50("comfortable").Rows
	rows[3].SLA.Level = "overdue"
	for _, next := range []string{"", "/next"} {
		for _, n := range []int{0, 1, 50} {
			var b strings.Builder
			for _, r := range rows[:n] {
				b.WriteString(r.Select + r.SLA.Level + ",")
			}
			if next != "" {
				b.WriteString("more")
			}
			h := fnv.New64a()
			_, _ = h.Write([]byte(b.String()))
			assert.Equal(t, strconv.FormatUint(h.Sum64(), 36), QueueFingerprint(rows[:n], next))
		}
	}
}
