package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// reportPlans writes the plans of the reports overview's statements over
// the largest tenant, for the last 30 and 365 days, to
// dir/reports-plan-<scale>.txt: where a report page's time goes.
func reportPlans(ctx context.Context, d *direct, w workload, dir, scale string) error {
	var b strings.Builder
	for _, days := range []int{30, 365} {
		plan, err := d.store.ExplainReports(ctx, helpdesk.TenantID(w.tenantID), days, time.Now())
		if err != nil {
			return fmt.Errorf("bench: report plans: %w", err)
		}
		b.WriteString(plan)
		b.WriteString("\n")
	}
	p := filepath.Join(dir, "reports-plan-"+scale+".txt")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}
