package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/atiende/atiende/internal/config"
	"github.com/atiende/atiende/internal/demo"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/markdown"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/postgres"
)

// loadDemo is `atiende demo`: it loads the demo help desk, played out on
// its own clock so its history ends about now.
func loadDemo(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := postgres.New(pool)
	// The demo's history unfolds on its own clock and ends about now.
	clock := demo.NewClock(time.Now().Add(-demo.Span() - time.Hour))
	svc := helpdesk.NewService(store, password.New(password.Default, 0), clock.Now, helpdesk.WithKB(markdown.New()))
	res, err := demo.Load(ctx, svc, clock, cfg.DemoPassword)
	if err != nil {
		return err
	}
	log.Info("demo ready", "tenant", res.Tenant.Slug, "created", res.Created)
	fmt.Fprintf(stdout, "\nDemo help desk: %s/%s/\n", cfg.BaseURL, res.Tenant.Slug)
	if cfg.SMTPAddr != "" {
		fmt.Fprintf(stdout, "  email    send mail to %s@%s through SMTP on %s; replies appear at %s/%s/admin/email\n",
			res.Tenant.Slug, cfg.InboundDomain, cfg.SMTPAddr, cfg.BaseURL, res.Tenant.Slug)
	}
	for _, u := range res.Users {
		fmt.Fprintf(stdout, "  %-8s %-24s password: %s\n", u.Role, u.Email, cfg.DemoPassword)
	}
	return nil
}
