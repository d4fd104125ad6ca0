package mail

import (
	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/jobs"
)

// IMAP work is receiving mail: it shares the inbound queue, never the
// outbound one a slow relay may fill.

// InsertOpts puts the IMAP sweep on the inbound mail queue.
func (IMAPSweepArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: jobs.QueueMailIn} }

// InsertOpts puts an IMAP poll on the inbound mail queue.
func (IMAPPollArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: jobs.QueueMailIn} }
