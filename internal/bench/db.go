package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/pgcluster"
	"github.com/atiende/atiende/migrations"
)

// The roles are the ones `make run` uses: migrations as the owner, the
// server as the ordinary application role.
const (
	ownerRole = "atiende_owner"
	appRole   = "atiende"
	runDB     = "bench_run"
)

// DB is the harness's own PostgreSQL, in .data/bench, apart from the
// developer's demo database in .data/postgres.
type DB struct {
	Cluster *pgcluster.Cluster
	dir     string
}

// StartDB starts (creating it the first time) the cluster under root/.data/bench.
// It is attached: it stops when this process ends. It is durable (fsync on),
// so commits cost what they cost in production.
func StartDB(ctx context.Context, root string) (*DB, error) {
	dir := filepath.Join(root, ".data", "bench")
	c := &pgcluster.Cluster{Dir: filepath.Join(dir, "postgres"), SocketDir: filepath.Join(dir, "run"), Durable: true, Attached: true}
	if !c.Initialized() {
		if err := c.Init(ctx); err != nil {
			return nil, err
		}
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	return &DB{Cluster: c, dir: dir}, nil
}

// AppURL, OwnerURL and SuperURL connect to database db as each role.
func (d *DB) AppURL(db string) string   { return d.Cluster.URL(appRole, db) }
func (d *DB) OwnerURL(db string) string { return d.Cluster.URL(ownerRole, db) }
func (d *DB) SuperURL(db string) string { return d.Cluster.URL("postgres", db) }

// PostmasterPID is the server's main process id, or 0.
func (d *DB) PostmasterPID() int {
	b, err := os.ReadFile(filepath.Join(d.Cluster.Dir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	var pid int
	_, _ = fmt.Sscanf(string(b), "%d", &pid)
	return pid
}

func templateDB(sc Scale) string { return "bench_" + sc.Name }

func (d *DB) statsFile(sc Scale) string { return filepath.Join(d.dir, sc.Name+".json") }

type savedStats struct {
	Migrations string   `json:"migrations"`
	Stats      GenStats `json:"stats"`
}

// migrationsHash names the schema the data was generated for.
func migrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := migrations.FS.ReadFile(p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Prepare makes sure a template database holds scale's data for the
// current migrations, generating it when missing, stale or regen is set,
// then clones it into the run database, so every run starts from the same
// data. It returns the generation's statistics (from the saved file when
// the data was reused).
func (d *DB) Prepare(ctx context.Context, sc Scale, atiende string, regen bool, log io.Writer) (GenStats, bool, error) {
	tmpl := templateDB(sc)
	var saved savedStats
	fresh := false
	b, err := os.ReadFile(d.statsFile(sc))
	if err == nil {
		err = json.Unmarshal(b, &saved)
	}
	exists, xerr := d.exists(ctx, tmpl)
	if xerr != nil {
		return GenStats{}, false, xerr
	}
	stale := saved.Migrations != migrationsHash() || saved.Stats.Tenants != sc.Tenants || saved.Stats.Tickets != int64(sc.Tickets)
	if regen || err != nil || stale || !exists {
		fresh = true
		_ = os.Remove(d.statsFile(sc))
		if err := d.drop(ctx, tmpl); err != nil {
			return GenStats{}, false, err
		}
		if _, err := d.Cluster.EnsureRoles(ctx, ownerRole, appRole, tmpl); err != nil {
			return GenStats{}, false, err
		}
		cmd := exec.CommandContext(ctx, atiende, "migrate", "up")
		cmd.Env = append(os.Environ(), "DATABASE_URL="+d.AppURL(tmpl), "ATIENDE_MIGRATION_DATABASE_URL="+d.OwnerURL(tmpl), "ATIENDE_LOG_LEVEL=warn")
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Run(); err != nil {
			return GenStats{}, false, fmt.Errorf("bench: atiende migrate up: %w", err)
		}
		st, err := Generate(ctx, d.SuperURL(tmpl), sc, log)
		if err != nil {
			return st, false, err
		}
		saved = savedStats{Migrations: migrationsHash(), Stats: st}
		b, _ := json.MarshalIndent(saved, "", "  ")
		if err := os.WriteFile(d.statsFile(sc), b, 0o644); err != nil {
			return st, false, err
		}
	}
	if err := d.drop(ctx, runDB); err != nil {
		return saved.Stats, fresh, err
	}
	err = d.super(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, `CREATE DATABASE `+runDB+` TEMPLATE `+tmpl+` OWNER `+ownerRole+` STRATEGY FILE_COPY`)
		if err == nil {
			_, err = c.Exec(ctx, `GRANT CONNECT ON DATABASE `+runDB+` TO `+appRole)
		}
		return err
	})
	if err != nil {
		return saved.Stats, fresh, fmt.Errorf("bench: clone %s: %w", tmpl, err)
	}
	return saved.Stats, fresh, nil
}

func (d *DB) super(ctx context.Context, fn func(*pgx.Conn) error) error {
	c, err := pgx.Connect(ctx, d.SuperURL("postgres"))
	if err != nil {
		return fmt.Errorf("bench: connect as postgres: %w", err)
	}
	defer c.Close(context.WithoutCancel(ctx))
	return fn(c)
}

func (d *DB) exists(ctx context.Context, db string) (bool, error) {
	var ok bool
	err := d.super(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, db).Scan(&ok)
	})
	return ok, err
}

func (d *DB) drop(ctx context.Context, db string) error {
	err := d.super(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{db}.Sanitize()+` WITH (FORCE)`)
		return err
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("bench: drop %s: %w", db, err)
	}
	return err
}
