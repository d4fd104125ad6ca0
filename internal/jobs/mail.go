package jobs

import "github.com/atiende/atiende/internal/helpdesk"

// MailJob is the background job of one mail: processing a received
// message, delivering an outbox message or answering a guest's link
// request. It carries ids only. The store inserts it in the transaction
// that writes the mail's row; internal/mail works it.
type MailJob struct {
	Tenant helpdesk.TenantID `json:"tenant"`
	Mail   string            `json:"mail"` // "inbound", "outbound" or "guest_request"
	ID     int64             `json:"id"`
}

// Kind names the job in the queue.
func (MailJob) Kind() string { return "mail" }
