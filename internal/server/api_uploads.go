package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The parts of a multipart API request: one JSON payload (the body the
// endpoint takes as application/json) and any number of files.
const (
	apiPayloadPart = "payload"
	apiFilesPart   = "files"
)

// errBadMultipart is a multipart body that cannot be read as one.
var errBadMultipart = errors.New("malformed multipart body")

func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

// apiUploads gives a multipart request the upload routes' body cap and
// gate (per client, here per token, and process-wide slots), as the
// portal's forms have; a JSON request keeps the global cap and no gate.
func (s *Server) apiUploads(next http.Handler) http.Handler {
	gated := withBodyLimit(uploadBodyBytes)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.gateUpload(w, r, next); err != nil {
			if errors.Is(err, errUploadsBusy) {
				w.Header().Set("Retry-After", "60")
			}
			c, _ := r.Context().Value(apiCallKey{}).(*apiCall)
			s.apiFail(w, r, c, err)
		}
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isMultipart(r) {
			gated.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// decodeAPIBody reads a JSON body into v, or a multipart one: its
// "payload" part into v and its "files" parts as attachments, read by the
// portal's file reader (the desk's limits, the type sniffed from the
// bytes). A file over a limit refuses the whole request (a field error on
// "files"): nothing is created without it.
func decodeAPIBody(r *http.Request, v any) ([]helpdesk.NewAttachment, error) {
	if !isMultipart(r) {
		return nil, decodeJSON(r, v)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadMultipart, err)
	}
	up := &upload{}
	lim := attachmentLimits()
	payload := false
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, multipartError(err)
		}
		switch p.FormName() {
		case apiPayloadPart:
			if payload {
				return nil, fmt.Errorf("%w: two payload parts", errBadMultipart)
			}
			payload = true
			if err := decodePayload(p, v); err != nil {
				return nil, err
			}
		case apiFilesPart:
			if err := up.readFile(p, lim); err != nil {
				return nil, multipartError(err)
			}
		default:
			if _, err := io.Copy(io.Discard, p); err != nil {
				return nil, multipartError(err)
			}
		}
	}
	if !payload {
		return nil, &helpdesk.ValidationError{Fields: map[string]string{apiPayloadPart: "error.required"}}
	}
	if len(up.rejected) > 0 {
		return nil, &helpdesk.ValidationError{Fields: map[string]string{apiFilesPart: up.rejected[0].Reason}}
	}
	return up.files, nil
}

// decodePayload reads the payload part, which must be JSON (a part
// without a Content-Type is taken as JSON).
func decodePayload(p *multipart.Part, v any) error {
	if err := jsonType(p.Header.Get("Content-Type")); err != nil {
		return err
	}
	return decodeJSONFrom(io.LimitReader(p, maxTextPart), v)
}

// multipartError keeps a body over its cap as such (413); anything else
// is a body that is not multipart as announced.
func multipartError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	return fmt.Errorf("%w: %v", errBadMultipart, err)
}
