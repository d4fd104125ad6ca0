package helpdesk

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCleanFilename(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("n", 300)
	tests := []struct{ in, want string }{
		{"informe.pdf", "informe.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\ana\factura.xlsx`, "factura.xlsx"},
		{"a\x00b\r\nc.txt", "ab c.txt"}, // CRLF can never reach a header
		{"fac\u202etxt.exe", "factxt.exe"},
		{"..", defaultFilename},
		{"", defaultFilename},
		{"dir/", defaultFilename},
		{"  .hidden ", "hidden"},
		{long + ".pdf", strings.Repeat("n", maxFilenameLen-4) + ".pdf"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, cleanFilename(tt.in), "%q", tt.in)
	}
}

func TestCleanContentType(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"image/png", "image/png"},
		{"Text/HTML; charset=utf-8", "text/html"},
		{"", "application/octet-stream"},
		{"image", "application/octet-stream"},
		{"image/png\r\nX-Evil: 1", "application/octet-stream"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, cleanContentType(tt.in), "%q", tt.in)
	}
}

func TestAttachmentInline(t *testing.T) {
	t.Parallel()
	for ct, want := range map[string]bool{
		"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
		"image/svg+xml": false, "text/html": false, "application/javascript": false, "application/pdf": false,
	} {
		assert.Equal(t, want, Attachment{ContentType: ct}.Inline(), ct)
	}
}

func TestNewCommentLimits(t *testing.T) {
	t.Parallel()
	lim := AttachmentLimits{MaxFileBytes: 10, MaxCommentBytes: 15, MaxTicketBytes: 30, MaxFiles: 2}
	file := func(n int) NewAttachment {
		return NewAttachment{Filename: "f.bin", ContentType: "application/pdf", Data: bytes.Repeat([]byte{1}, n)}
	}
	tests := []struct {
		name  string
		c     NewComment
		used  int64
		field string
		key   string
	}{
		{name: "fine", c: NewComment{Body: "hola", Attachments: []NewAttachment{file(10)}}},
		{name: "empty", c: NewComment{Body: " \x00 "}, field: "body", key: "error.required"},
		{name: "too long", c: NewComment{Body: strings.Repeat("a", MaxBodyBytes+1)}, field: "body", key: "error.too_long"},
		{name: "html too long", c: NewComment{Body: "a", HTML: strings.Repeat("a", MaxHTMLBytes+1)}, field: "body", key: "error.too_long"},
		{name: "empty file", c: NewComment{Body: "a", Attachments: []NewAttachment{file(0)}}, field: "attachments", key: "error.attachment_empty"},
		{name: "file too large", c: NewComment{Body: "a", Attachments: []NewAttachment{file(11)}}, field: "attachments", key: "error.attachment_too_large"},
		{name: "comment too large", c: NewComment{Body: "a", Attachments: []NewAttachment{file(8), file(8)}}, field: "attachments", key: "error.attachment_too_large"},
		{name: "too many files", c: NewComment{Body: "a", Attachments: []NewAttachment{file(1), file(1), file(1)}}, field: "attachments", key: "error.attachments_too_many"},
		{name: "ticket full", c: NewComment{Body: "a", Attachments: []NewAttachment{file(10)}}, used: 25, field: "attachments", key: "error.attachments_ticket_full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.c.clean(lim, tt.used)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.key, ve.Fields[tt.field])
		})
	}
}

func TestAuthorOf(t *testing.T) {
	t.Parallel()
	assert.Equal(t, Author{Kind: AuthorAgent, User: agentID, Name: "Ana"}, AuthorOf(agent))
	assert.Equal(t, Author{Kind: AuthorAgent, User: adminID, Name: "Admin"}, AuthorOf(admin))
	assert.Equal(t, Author{Kind: AuthorCustomer, User: requesterID, Name: "Rosa"}, AuthorOf(requester))
	assert.Equal(t, Author{Kind: AuthorSystem, Name: "Atiende"}, AuthorOf(system))
	for _, k := range []AuthorKind{AuthorAgent, AuthorCustomer, AuthorSystem} {
		got, err := ParseAuthorKind(k.String())
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	_, err := ParseAuthorKind("bot")
	require.Error(t, err)
	v, err := ParseCommentVisibility("internal")
	require.NoError(t, err)
	assert.Equal(t, Internal, v)
	_, err = ParseCommentVisibility("private")
	require.Error(t, err)
	assert.False(t, Comment{Visibility: Internal}.VisibleToCustomer())
	assert.True(t, Comment{Visibility: Public}.VisibleToCustomer())
}
