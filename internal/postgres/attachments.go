package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Files are written with their comment (see insertCommentSQL): the bytes in
// attachment_blobs, the description in attachments under a random id.

const attachmentSQL = `SELECT a.id, a.filename, a.content_type, a.size, t.number, c.visibility = 'internal', b.data
FROM attachments a
JOIN comments c ON c.tenant_id = a.tenant_id AND c.id = a.comment_id
JOIN tickets t ON t.tenant_id = a.tenant_id AND t.id = a.ticket_id
JOIN attachment_blobs b ON b.tenant_id = a.tenant_id AND b.id = a.blob_id
WHERE a.tenant_id = $1 AND a.id = $2`

// Attachment loads a file with the ticket and comment visibility its
// download is authorised by.
func (s *Store) Attachment(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.AttachmentID) (helpdesk.AttachmentContent, error) {
	var out helpdesk.AttachmentContent
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var fid, number int64
		err := tx.QueryRow(ctx, attachmentSQL, int64(tenant), int64(id)).Scan(
			&fid, &out.Filename, &out.ContentType, &out.Size, &number, &out.Internal, &out.Data)
		out.ID, out.Ticket = helpdesk.AttachmentID(fid), helpdesk.TicketNumber(number)
		return err
	})
	if err != nil {
		return helpdesk.AttachmentContent{}, mapErr(err, "attachment %d", id)
	}
	return out, nil
}

// AttachmentBytes is the total size of the ticket's files, for the
// per-ticket limit. Files a merge copied in count too: they are the
// ticket's files now.
func (s *Store) AttachmentBytes(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID) (int64, error) {
	var n int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT coalesce(sum(size), 0)::bigint FROM attachments WHERE tenant_id = $1 AND ticket_id = $2`,
			int64(tenant), int64(ticket)).Scan(&n)
	})
	return n, mapErr(err, "attachment bytes of ticket %d", ticket)
}
