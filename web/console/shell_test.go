package console

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/i18n"
)

// A count that stopped at its limit of 100 reads "99+"; others as counted.
func TestSidebarCountsAtTheirLimit(t *testing.T) {
	t.Parallel()
	sb := Sidebar{L: i18n.ES, CountsURL: "/acme/agent/counts", Views: []View{
		{ID: "overdue", Name: "Vencidos", URL: "/acme/agent/views/overdue", Count: 100, More: true},
		{ID: "all", Name: "Todos", URL: "/acme/agent/views/all", Count: 1234},
		{ID: "due-soon", Name: "Por vencer", URL: "/acme/agent/views/due-soon", Count: 7},
	}}
	var buf bytes.Buffer
	require.NoError(t, SidebarNav(sb).Render(context.Background(), &buf))
	html := buf.String()
	assert.Contains(t, html, `data-testid="count-overdue">99+</span>`)
	assert.Contains(t, html, `data-testid="count-all">1234</span>`)
	assert.Contains(t, html, `data-testid="count-due-soon">7</span>`)
}
