package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/atiende/atiende/internal/config"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/postgres"
)

// rebuildBatch is how many tickets' metric rows one transaction rebuilds:
// small enough that a rebuild never holds a desk's locks for long.
const rebuildBatch = 200

// reportsCommand runs "atiende reports rebuild [-tenant slug] [flags]".
func reportsCommand(ctx context.Context, rest []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(rest) == 0 || rest[0] != "rebuild" {
		return errors.New(`unknown reports command (rebuild)`)
	}
	slug, common, err := tenantFlag(rest[1:])
	if err != nil {
		return err
	}
	cfg, log, err := setup("reports", common, getenv, stderr)
	if err != nil {
		return err
	}
	return rebuildReports(ctx, cfg, log, slug, stdout)
}

// rebuildReports recomputes every ticket's metric row from its events and
// then the daily rollup, desk by desk. It changes nothing that was right,
// so it can run again at any time (after a restore, a bug fix in the
// metrics, or for tickets from before the metric rows existed).
func rebuildReports(ctx context.Context, cfg config.Config, log *slog.Logger, slug string, stdout io.Writer) error {
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := postgres.New(pool)
	svc := helpdesk.NewService(store, password.New(password.Default, 0), nil)
	var tenants []helpdesk.TenantID
	if slug != "" {
		tn, err := store.TenantBySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("desk %q: %w", slug, err)
		}
		tenants = append(tenants, tn.ID)
	} else if tenants, err = store.TenantIDs(ctx); err != nil {
		return err
	}
	for _, tenant := range tenants {
		by := helpdesk.System(tenant)
		var after helpdesk.TicketNumber
		for {
			last, err := svc.RebuildMetrics(ctx, by, after, rebuildBatch)
			if err != nil {
				return err
			}
			if last == 0 {
				break
			}
			after = last
		}
		rows, err := svc.RebuildReportRollup(ctx, by)
		if err != nil {
			return err
		}
		log.Info("reports rebuilt", "tenant", int64(tenant), "last_ticket", int64(after), "rollup_rows", rows)
		fmt.Fprintf(stdout, "tenant %d: metric rows rebuilt, %d rollup rows\n", tenant, rows)
	}
	return nil
}

// tenantFlag takes -tenant slug (or --tenant, =slug) out of args and
// returns the rest, the common flags config.Load parses.
func tenantFlag(args []string) (string, []string, error) {
	var slug string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := strings.TrimPrefix(args[i], "-")
		switch {
		case a == "-tenant" || a == "tenant":
			if i+1 >= len(args) {
				return "", nil, errors.New("-tenant needs a desk's slug")
			}
			slug, i = args[i+1], i+1
		case strings.HasPrefix(a, "-tenant=") || strings.HasPrefix(a, "tenant="):
			slug = a[strings.Index(a, "=")+1:]
		default:
			rest = append(rest, args[i])
		}
	}
	return slug, rest, nil
}

// reportsReader opens ATIENDE_REPORTS_DATABASE_URL when it is set and
// returns the service option that sends the report reads there, and the
// pool's close. The role there faces the same checks as DATABASE_URL's:
// row-level security must bind it, since the reports rely on it too.
func reportsReader(ctx context.Context, cfg config.Config, log *slog.Logger) (helpdesk.Option, func(), error) {
	if cfg.ReportsDatabaseURL == "" {
		return func(*helpdesk.Service) {}, func() {}, nil
	}
	pool, err := connect(ctx, cfg.ReportsDatabaseURL, "ATIENDE_REPORTS_DATABASE_URL", int32(cfg.DBMaxConns), "atiende-reports")
	if err != nil {
		return nil, nil, err
	}
	store := postgres.New(pool)
	if err := store.CheckRole(ctx); err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("ATIENDE_REPORTS_DATABASE_URL: %w", err)
	}
	log.Info("reports read from ATIENDE_REPORTS_DATABASE_URL")
	return helpdesk.WithReportReader(store), pool.Close, nil
}
