package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// attachmentCSP forbids a downloaded file from running anything, even if
// a browser were to render it.
const attachmentCSP = "default-src 'none'; img-src 'self'; style-src 'none'; sandbox"

// serveAttachment serves file {id} of ticket {number} to by. The domain
// authorises it through the file's comment and ticket (a customer never gets
// a file of an internal note); the file must also belong to the ticket in
// the URL. Only raster images the domain allows are shown inline; everything
// else, SVG and HTML included, is a download with a generic type.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, by helpdesk.Actor) error {
	n, err := ticketNumber(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	a, err := s.svc.Attachment(r.Context(), by, helpdesk.AttachmentID(id))
	if err != nil {
		return err
	}
	if a.Ticket != n {
		return errNotFound
	}
	writeAttachment(w, r, a)
	return nil
}

// writeAttachment sends a file the caller has authorised, with headers that
// keep a browser from running it.
func writeAttachment(w http.ResponseWriter, r *http.Request, a helpdesk.AttachmentContent) {
	disposition, ctype := "attachment", "application/octet-stream"
	if a.Inline() {
		disposition, ctype = "inline", a.ContentType
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", contentDisposition(disposition, a.Filename))
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", attachmentCSP)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(a.Data) // a client that went away is not an error of ours
}
