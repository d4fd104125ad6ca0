package helpdesk

import (
	"context"
	"fmt"
)

// MatrixCellName is the form name of the cell for impact i and urgency u,
// and the ValidationError key of a problem with it (PriorityMatrix.Validate
// reports under the same names).
func MatrixCellName(i Impact, u Urgency) string { return fmt.Sprintf("matrix.%s.%s", i, u) }

// SetPriorityMatrix replaces the desk's impact × urgency matrix, for
// admins. cells maps MatrixCellName to a priority; the matrix must be
// complete and never propose less for more impact or urgency. New tickets
// use it at once; existing ones keep their priority.
func (s *Service) SetPriorityMatrix(ctx context.Context, by Actor, cells map[string]string) (PriorityMatrix, error) {
	var m PriorityMatrix
	for ii, i := range Impacts() {
		for ui, u := range Urgencies() {
			m[ii][ui] = Priority(cells[MatrixCellName(i, u)])
		}
	}
	err := s.adminTx(ctx, by, "set priority matrix", func(tx Store) error {
		if err := m.Validate(); err != nil {
			return err
		}
		st, err := tx.TicketSettings(ctx, by.Tenant)
		if err != nil {
			return err
		}
		old := st.Matrix
		if old == m {
			return nil
		}
		st.Matrix = m
		if err := tx.SetTicketSettings(ctx, by.Tenant, st); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "priority.matrix", ObjectKind: "settings",
			Before: matrixAudit(old), After: matrixAudit(m)})
	})
	return m, err
}

// matrixAudit is a matrix as the audit log shows it, one entry per cell.
func matrixAudit(m PriorityMatrix) AuditValues {
	out := AuditValues{}
	for ii, i := range Impacts() {
		for ui, u := range Urgencies() {
			out[MatrixCellName(i, u)] = string(m[ii][ui])
		}
	}
	return out
}

// PriorityMatrix returns the desk's matrix, for admins.
func (s *Service) PriorityMatrix(ctx context.Context, by Actor) (PriorityMatrix, error) {
	var m PriorityMatrix
	err := s.adminTx(ctx, by, "priority matrix", func(tx Store) error {
		st, err := tx.TicketSettings(ctx, by.Tenant)
		m = st.Matrix
		return err
	})
	return m, err
}
