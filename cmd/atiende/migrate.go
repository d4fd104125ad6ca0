package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/atiende/atiende/internal/config"
	"github.com/atiende/atiende/internal/postgres"
	"github.com/jackc/pgx/v5/pgxpool"
)

// autoMigrate is migrate up for serve: as the owner, with app (whose role
// is role) as the owner too in single-role mode.
func autoMigrate(ctx context.Context, cfg config.Config, log *slog.Logger, app *pgxpool.Pool, role string) error {
	owner := app
	if separateOwner(cfg) {
		var err error
		if owner, err = openOwnerPool(ctx, cfg); err != nil {
			return err
		}
		defer owner.Close()
		if _, err := checkSameDatabase(ctx, owner, app); err != nil {
			return err
		}
	}
	return migrateUp(ctx, log, owner, role)
}

// migrate runs a migrate subcommand as the schema's owner.
func migrate(ctx context.Context, cfg config.Config, log *slog.Logger, sub string, stdout io.Writer) error {
	pool, err := openOwnerPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	switch sub {
	case "up":
		app, err := appRole(ctx, cfg, pool)
		if err != nil {
			return err
		}
		if err := migrateUp(ctx, log, pool, app); err != nil {
			return err
		}
	case "down":
		if err := postgres.MigrateDown(ctx, pool); err != nil {
			return err
		}
		log.Info("latest migration rolled back")
	case "status":
		st, err := postgres.Migrations(ctx, pool)
		if err != nil {
			return err
		}
		for _, m := range st {
			state := "pending"
			if m.Applied {
				state = "applied"
			}
			fmt.Fprintf(stdout, "%05d  %-8s %s\n", m.Version, state, m.Source)
		}
	default:
		return fmt.Errorf("unknown migrate command %q (up, down, status)", sub)
	}
	return nil
}

// migrateUp applies every pending migration as the owner, then grants the
// application role what it needs (postgres.GrantApp), so tables a migration
// creates are usable at once.
func migrateUp(ctx context.Context, log *slog.Logger, owner *pgxpool.Pool, app string) error {
	if err := postgres.Migrate(ctx, owner); err != nil {
		return err
	}
	log.Info("migrations applied")
	ownerRole, err := postgres.CurrentUser(ctx, owner)
	if err != nil {
		return err
	}
	if ownerRole == app {
		log.Warn("single-role mode: the application role owns the schema and could turn row-level security off; "+
			"set ATIENDE_MIGRATION_DATABASE_URL to the owner role's URL and DATABASE_URL to an ordinary role's (see docs/database.md)",
			"role", app)
		return nil
	}
	if err := postgres.GrantApp(ctx, owner, app); err != nil {
		return err
	}
	log.Info("application role granted", "owner", ownerRole, "role", app)
	return nil
}
