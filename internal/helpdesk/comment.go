package helpdesk

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// CommentID identifies a comment inside a tenant.
type CommentID int64

// AttachmentID identifies a stored file inside a tenant. Downloads are
// authorised through the ticket the file belongs to, never by id alone.
type AttachmentID int64

// CommentVisibility says who may read a comment.
type CommentVisibility string

const (
	// Public replies are sent to the requester and followers.
	Public CommentVisibility = "public"
	// Internal notes are for staff only: a customer never sees one.
	Internal CommentVisibility = "internal"
)

// ParseCommentVisibility turns a stored or submitted value into a
// CommentVisibility.
func ParseCommentVisibility(s string) (CommentVisibility, error) {
	if v := CommentVisibility(s); v == Public || v == Internal {
		return v, nil
	}
	return "", invalid("visibility", "error.invalid")
}

func (v CommentVisibility) String() string { return string(v) }

// AuthorKind is who wrote a comment or made a change, as history shows it.
type AuthorKind string

const (
	AuthorAgent    AuthorKind = "agent" // agents and admins
	AuthorCustomer AuthorKind = "customer"
	AuthorSystem   AuthorKind = "system" // timers, automation, channels
)

// ParseAuthorKind turns a stored value into an AuthorKind.
func ParseAuthorKind(s string) (AuthorKind, error) {
	switch k := AuthorKind(s); k {
	case AuthorAgent, AuthorCustomer, AuthorSystem:
		return k, nil
	}
	return "", fmt.Errorf("helpdesk: unknown author kind %q", s)
}

func (k AuthorKind) String() string { return string(k) }

// FromDesk reports whether the author speaks for the desk: an agent, or
// the desk itself (an automation's macro reply, a timer's notice). Threads
// show such comments on the desk's side, never as the requester's.
func (k AuthorKind) FromDesk() bool { return k == AuthorAgent || k == AuthorSystem }

// Author is who wrote a comment or caused an event. User is zero for the
// system and for a guest requester (who has no account yet). Name is kept as
// it was at the time, so history reads the same after a rename.
type Author struct {
	Kind AuthorKind
	User UserID
	Name string
}

// AuthorOf describes actor a for comments and events.
func AuthorOf(a Actor) Author {
	switch {
	case a.Kind == ActorSystem:
		return Author{Kind: AuthorSystem, Name: a.Name}
	case a.IsStaff():
		return Author{Kind: AuthorAgent, User: a.User, Name: a.Name}
	default:
		return Author{Kind: AuthorCustomer, User: a.User, Name: a.Name}
	}
}

// Comment is a public reply or an internal note on a ticket. Long text lives
// here, never on the ticket row: the ticket's description is its first
// comment (as in Zendesk).
type Comment struct {
	ID         CommentID
	Ticket     TicketID
	Visibility CommentVisibility
	Author     Author
	Channel    Channel
	// Body is the plain text, always present; it is what search indexes and
	// what a plain-text email carries.
	Body string
	// HTML is an optional rendering that has already been through the
	// sanitiser (internal to the email channel); the domain only bounds its
	// size and never interprets it.
	HTML        string
	Attachments []Attachment
	// MergedFrom is set on comments copied from a ticket merged into this one.
	MergedFrom TicketNumber
	CreatedAt  time.Time
}

// VisibleToCustomer reports whether a customer may read c.
func (c Comment) VisibleToCustomer() bool { return c.Visibility == Public }

// Attachment describes a stored file; its bytes are read separately.
type Attachment struct {
	ID          AttachmentID
	Filename    string
	ContentType string // sniffed from the content by the caller, never trusted from the client
	Size        int64
}

// Inline reports whether the file may be shown inline in a page. Everything
// else, SVG and HTML in particular, is served as a download.
func (a Attachment) Inline() bool {
	switch a.ContentType {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// AttachmentContent is a file with the context needed to authorise its
// download: the ticket it belongs to and whether it sits on an internal note.
type AttachmentContent struct {
	Attachment
	Ticket   TicketNumber
	Internal bool
	Data     []byte
}

// NewAttachment is a file being added with a comment.
type NewAttachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// AttachmentLimits bound what Postgres is asked to store. They are tenant
// settings; DefaultAttachmentLimits applies when a tenant has none.
type AttachmentLimits struct {
	MaxFileBytes    int64
	MaxCommentBytes int64
	MaxTicketBytes  int64
	MaxFiles        int // per comment
}

// DefaultAttachmentLimits are the limits of a new desk.
func DefaultAttachmentLimits() AttachmentLimits {
	return AttachmentLimits{
		MaxFileBytes:    10 << 20,
		MaxCommentBytes: 25 << 20,
		MaxTicketBytes:  50 << 20,
		MaxFiles:        10,
	}
}

// Text size limits, in bytes after cleaning.
const (
	MaxSubjectLen   = 200       // characters
	MaxBodyBytes    = 64 << 10  // plain text of a description or comment
	MaxHTMLBytes    = 256 << 10 // sanitised HTML of a comment
	maxFilenameLen  = 200       // characters
	defaultFilename = "attachment"
)

// NewComment is a comment being added, as decided by the domain (which
// sets CreatedAt); the store assigns its id and ticket.
type NewComment struct {
	Visibility  CommentVisibility
	Author      Author
	Channel     Channel
	Body        string
	HTML        string
	Attachments []NewAttachment
	CreatedAt   time.Time
}

// clean normalises the comment's text and file names in place and checks it
// against the limits; used is what the ticket's files already take. Problems
// are reported on the form fields "body" and "attachments".
func (c *NewComment) clean(lim AttachmentLimits, used int64) error {
	c.Body = CleanText(c.Body)
	c.HTML = strings.ToValidUTF8(strings.ReplaceAll(c.HTML, "\x00", ""), "\uFFFD") // as CleanText does
	var v ValidationError
	switch {
	case c.Body == "" && len(c.Attachments) == 0:
		v.Add("body", "error.required")
	case len(c.Body) > MaxBodyBytes:
		v.Add("body", "error.too_long")
	}
	if len(c.HTML) > MaxHTMLBytes {
		v.Add("body", "error.too_long")
	}
	if len(c.Attachments) > lim.MaxFiles {
		v.Add("attachments", "error.attachments_too_many")
	}
	var total int64
	for i := range c.Attachments {
		a := &c.Attachments[i]
		a.Filename = cleanFilename(a.Filename)
		a.ContentType = cleanContentType(a.ContentType)
		n := int64(len(a.Data))
		switch {
		case n == 0:
			v.Add("attachments", "error.attachment_empty")
		case n > lim.MaxFileBytes:
			v.Add("attachments", "error.attachment_too_large")
		}
		total += n
	}
	switch {
	case total > lim.MaxCommentBytes:
		v.Add("attachments", "error.attachment_too_large")
	case used+total > lim.MaxTicketBytes:
		v.Add("attachments", "error.attachments_ticket_full")
	}
	return v.Err()
}

// cleanFilename keeps only the last path element of a client-supplied name,
// drops control and bidi characters (CRLF, NUL, RTL override) and bounds its
// length while keeping the extension, so "../../etc/passwd" becomes "passwd".
func cleanFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Trim(CleanLine(name), ". ")
	if name == "" {
		return defaultFilename
	}
	if utf8.RuneCountInString(name) > maxFilenameLen {
		ext := ""
		if i := strings.LastIndexByte(name, '.'); i > 0 && utf8.RuneCountInString(name[i:]) <= 16 {
			ext = name[i:]
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:maxFilenameLen-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}

// cleanContentType lower-cases a sniffed media type and drops parameters;
// anything that does not look like type/subtype becomes a generic download.
func cleanContentType(ct string) string {
	ct, _, _ = strings.Cut(ct, ";")
	ct = strings.ToLower(strings.TrimSpace(ct))
	typ, sub, ok := strings.Cut(ct, "/")
	if !ok || typ == "" || sub == "" || strings.ContainsAny(ct, " \t\r\n\"") || len(ct) > 100 {
		return "application/octet-stream"
	}
	return ct
}
