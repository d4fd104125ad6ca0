package postgres

import (
	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/jobs"
)

// InsertOpts sends delivery to the outbound queue and everything else a
// mail job does (processing received mail, link requests) to the inbound
// one, so a slow relay never delays a received message.
func (j MailJob) InsertOpts() river.InsertOpts {
	if j.Mail == "outbound" {
		return river.InsertOpts{Queue: jobs.QueueMailOut}
	}
	return river.InsertOpts{Queue: jobs.QueueMailIn}
}
