package postgres

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestFromCountersKnowsEveryField: a condition fromCounters does not know
// would be dropped from the counts of the views that use it.
func TestFromCountersKnowsEveryField(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 17, reflect.TypeFor[helpdesk.TicketFilter]().NumField(),
		"TicketFilter changed: teach fromCounters its new fields, then update this number")
	assert.True(t, fromCounters(&helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusOpen},
		Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}, GroupsOf: 3}))
	assert.False(t, fromCounters(&helpdesk.TicketFilter{Tag: "vip"}))
	assert.False(t, fromCounters(&helpdesk.TicketFilter{SLA: helpdesk.SLAOverdue}))
}
