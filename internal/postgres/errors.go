package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/atiende/atiende/internal/helpdesk"
)

// conflictFields names the form field behind the unique constraints whose
// violation a form words per field; any other unique violation is a
// ConflictError without a field.
var conflictFields = map[string]string{
	"organisations_tenant_id_name_key": "name",
	"organisation_domains_pkey":        "domains",
}

// mapErr turns pgx errors into the domain's sentinels and wraps the rest: a
// missing row is ErrNotFound, a unique violation a *helpdesk.ConflictError
// (which is ErrConflict), a serialization failure or deadlock ErrConflict.
func mapErr(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, args...)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %s: %w", what, helpdesk.ErrNotFound)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			ce := &helpdesk.ConflictError{Field: conflictFields[pgErr.ConstraintName]}
			return fmt.Errorf("postgres: %s: %w (%s)", what, ce, pgErr.ConstraintName)
		case "40001", "40P01": // serialization failure, deadlock
			return fmt.Errorf("postgres: %s: %w", what, helpdesk.ErrConflict)
		}
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}
