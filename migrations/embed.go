// Package migrations embeds Atiende's goose SQL migrations, the only source
// of the database schema.
package migrations

import "embed"

// FS holds every *.sql migration, applied in file-name order.
//
//go:embed *.sql
var FS embed.FS
