package server

import (
	"net/http"
	"net/url"

	"github.com/atiende/atiende/internal/helpdesk"
)

// readReplyForm reads the workspace's reply form, which may carry files,
// through the portal's upload reader (same limits, types sniffed from the
// bytes). The text fields become r.PostForm, so ticketForm and the macro
// reader see them as on any workspace form.
func readReplyForm(w http.ResponseWriter, r *http.Request) (*upload, error) {
	up, err := readUpload(w, r, attachmentLimits())
	if err != nil {
		return nil, err
	}
	form := url.Values{}
	for k, vs := range up.multi {
		form[k] = vs
	}
	r.PostForm = form
	return up, nil
}

// refusedFiles is the field error of a reply whose files were not all
// read (over a limit): nothing is saved, the draft comes back with the
// files named to choose again.
func refusedFiles(up *upload) error {
	if len(up.rejected) == 0 {
		return nil
	}
	return &helpdesk.ValidationError{Fields: map[string]string{attachmentsField: up.rejected[0].Reason}}
}
