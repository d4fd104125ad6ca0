package pgcluster

import (
	"fmt"
	"path/filepath"
	"strings"
)

// URL returns a pgx connection string for role and database over the
// cluster's socket, such as
// postgres://atiende@/atiende?host=/work/main/.data/run&port=5432.
func (c *Cluster) URL(role, db string) string {
	dir := c.SocketDir
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return fmt.Sprintf("postgres://%s@/%s?host=%s&port=%d", uriEscape(role), uriEscape(db), uriEscape(dir), Port)
}

// uriEscape percent-encodes all but RFC 3986 unreserved characters and
// slashes, which are legal in a URI's path and query and keep socket paths
// readable. (url.QueryEscape's "+" for space would reach libpq-style parsers
// such as pgx's as a literal plus.)
func uriEscape(s string) string {
	var b strings.Builder
	for i := range len(s) {
		ch := s[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			ch == '-', ch == '.', ch == '_', ch == '~', ch == '/':
			b.WriteByte(ch)
		default:
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}
