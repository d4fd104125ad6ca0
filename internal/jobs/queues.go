package jobs

import (
	"time"

	"github.com/riverqueue/river"
)

// Queues. Each has its own workers, so that a slow relay holding every
// outbound worker never delays received mail, SLA scans or webhooks.
const (
	// QueueMailIn processes received mail, IMAP polls and "send me my
	// link again" requests.
	QueueMailIn = "mail_in"
	// QueueMailOut delivers the outbox.
	QueueMailOut = "mail_out"
	// QueueTimers runs SLA scans and ticket timers (auto-close,
	// reminders).
	QueueTimers = "timers"
	// QueueWebhooks delivers webhooks.
	QueueWebhooks = "webhooks"
)

// Default times of a job. A job whose process died (kill -9, a lost
// database connection) stays "running" until River's rescuer, which runs
// every 30 s on the leader, finds it older than RescueAfter and retries it:
// such a job is worked again at most about RescueAfter + 30 s after it
// started (plus its retry backoff).
const (
	// DefaultJobTimeout cancels a job's context; SMTP and IMAP have
	// shorter timeouts of their own.
	DefaultJobTimeout = time.Minute
	// DefaultRescueAfter must exceed the job timeout, or a job still at
	// work could be started twice.
	DefaultRescueAfter = DefaultJobTimeout + 30*time.Second
)

// queues gives every queue the same number of workers of its own.
func queues(workers int) map[string]river.QueueConfig {
	q := river.QueueConfig{MaxWorkers: workers}
	return map[string]river.QueueConfig{
		river.QueueDefault: q, QueueMailIn: q, QueueMailOut: q, QueueTimers: q, QueueWebhooks: q,
	}
}

// InsertOpts puts the SLA scans on the timers queue.
func (SLAScanArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueTimers} }

// InsertOpts puts the timer sweeps on the timers queue.
func (TimerSweepArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueTimers} }

// InsertOpts puts a tenant's timers on the timers queue.
func (TenantTimersArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueTimers} }

// InsertOpts sends delivery to the outbound queue and everything else a
// mail job does (processing received mail, link requests) to the inbound
// one, so a slow relay never delays a received message.
func (j MailJob) InsertOpts() river.InsertOpts {
	if j.Mail == "outbound" {
		return river.InsertOpts{Queue: QueueMailOut}
	}
	return river.InsertOpts{Queue: QueueMailIn}
}
