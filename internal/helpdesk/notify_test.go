package helpdesk

import (
	"context"
)

// QueueMail records the notifications the service queues, so tests can
// assert who is told what.
func (f *fakeStore) QueueMail(ctx context.Context, tenant TenantID, m OutboundMail) (OutboundMailID, error) {
	f.mustTx()
	f.data.mails = append(f.data.mails, m)
	return OutboundMailID(len(f.data.mails)), nil
}
