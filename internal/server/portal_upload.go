package server

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Bounds of a form with attachments. The files themselves are bounded by
// the desk's AttachmentLimits; these bound everything else.
const (
	// uploadBodyBytes is the most a form with files may send: the files a
	// comment may carry plus the text and multipart framing. Upload routes
	// get it with withBodyLimit instead of the global maxBodyBytes.
	uploadBodyBytes = 25<<20 + uploadOverhead
	// uploadOverhead is what the text fields and multipart framing may add
	// to the files of one submission.
	uploadOverhead = 128 << 10
	// maxTextPart bounds one text field as read; the domain's own limits
	// (64 KiB for a description) are far below it, so an over-long text is
	// refused by the domain with a clear message rather than cut here.
	maxTextPart = 512 << 10
	// attachmentsField is the name of the file input.
	attachmentsField = "attachments"
)

// upload is a form read part by part. Reading it in order, rather than with
// ParseMultipartForm, keeps the text fields that came before a file over
// the limit: the forms put the file input last, so a submission that is too
// large loses only its files, and the page can say which to choose again.
type upload struct {
	fields map[string]string // first value of each text field
	// multi holds every value of each text field, for the inputs that
	// send several (a multi-select's checkboxes).
	multi map[string][]string
	files []helpdesk.NewAttachment
	// rejected are the files that were not read, with a message key.
	rejected []rejectedFile
}

type rejectedFile struct {
	Name   string
	Reason string // message key
}

func (u *upload) get(name string) string { return u.fields[name] }

// all returns every value sent under name, in order.
func (u *upload) all(name string) []string { return u.multi[name] }

// fileNames lists every file the visitor chose, read or not.
func (u *upload) fileNames() []string {
	var out []string
	for _, f := range u.files {
		out = append(out, f.Filename)
	}
	for _, f := range u.rejected {
		out = append(out, f.Name)
	}
	return out
}

// maxMultiValues bounds the values kept of one repeated field (a
// multi-select offers at most helpdesk.MaxFieldOptions).
const maxMultiValues = helpdesk.MaxFieldOptions

// readUpload reads a multipart/form-data body (or, without files, a
// urlencoded one). Files beyond lim are not kept but recorded in
// rejected; their content type is sniffed from the bytes, never taken from
// the client. A body that cannot be read at all is a ValidationError on
// "form".
func readUpload(w http.ResponseWriter, r *http.Request, lim helpdesk.AttachmentLimits) (*upload, error) {
	up := &upload{fields: map[string]string{}, multi: map[string][]string{}}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		if err := parseForm(r); err != nil {
			return nil, err
		}
		for k, v := range r.PostForm {
			if len(v) > 0 {
				up.fields[k] = v[0]
				up.multi[k] = v
			}
		}
		return up, nil
	}
	// A body over the limit is cut short; what came before the cut (the
	// text fields, sent first) is kept below.
	r.Body = http.MaxBytesReader(w, r.Body, uploadBodyBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &helpdesk.ValidationError{Fields: map[string]string{"form": "error.form"}}
	}
	var tooBig *http.MaxBytesError
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return up, nil
		}
		if errors.As(err, &tooBig) {
			return up, nil // what was read is kept; the rest never arrived
		}
		if err != nil {
			return nil, bodyError(r, err)
		}
		name := p.FormName()
		if p.FileName() != "" && name == attachmentsField {
			if err := up.readFile(p, lim); err != nil {
				if errors.As(err, &tooBig) {
					up.rejected = append(up.rejected, rejectedFile{Name: helpdesk.CleanLine(p.FileName()), Reason: "portal.upload.request_too_large"})
					return up, nil
				}
				return nil, bodyError(r, err)
			}
			continue
		}
		if p.FileName() != "" || name == "" {
			_, _ = io.Copy(io.Discard, p) // a file in a text field, or no name: ignored
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, maxTextPart))
		if errors.As(err, &tooBig) {
			return up, nil
		}
		if err != nil {
			return nil, bodyError(r, err)
		}
		if err := checkValues(url.Values{name: {string(b)}}); err != nil {
			return nil, err
		}
		if _, dup := up.fields[name]; !dup {
			up.fields[name] = string(b)
		}
		if len(up.multi[name]) < maxMultiValues {
			up.multi[name] = append(up.multi[name], string(b))
		}
		_, _ = io.Copy(io.Discard, p)
	}
}

// readFile keeps one file part, or records why it was not kept. It reads
// at most one byte past the per-file limit, so memory stays bounded.
func (up *upload) readFile(p *multipart.Part, lim helpdesk.AttachmentLimits) error {
	name := helpdesk.CleanLine(p.FileName())
	if len(up.files) >= lim.MaxFiles {
		up.rejected = append(up.rejected, rejectedFile{Name: name, Reason: "error.attachments_too_many"})
		_, _ = io.Copy(io.Discard, p) // a body cut short shows at the next part
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(p, lim.MaxFileBytes+1))
	if err != nil {
		return err
	}
	if int64(len(data)) > lim.MaxFileBytes {
		up.rejected = append(up.rejected, rejectedFile{Name: name, Reason: "error.attachment_too_large"})
		_, _ = io.Copy(io.Discard, p)
		return nil
	}
	up.files = append(up.files, helpdesk.NewAttachment{
		Filename:    name,
		ContentType: http.DetectContentType(data),
		Data:        data,
	})
	return nil
}
