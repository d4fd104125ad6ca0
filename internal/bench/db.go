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
	"sort"
	"strconv"

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
	// shared_buffers as a production server would have it on this machine
	// (a share of memory, not PostgreSQL's 128 MB default): with the
	// default, a 100,000-ticket desk's pages were read back from the
	// operating system's cache on every view, and the cost measured grew
	// with the data for a reason no deployment has.
	c := &pgcluster.Cluster{Dir: filepath.Join(dir, "postgres"), SocketDir: filepath.Join(dir, "run"), Durable: true, Attached: true,
		SharedBuffers: sharedBuffers()}
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

// sharedBuffers is a quarter of the machine's memory, between 128 MB and
// 4 GB, as PostgreSQL's tuning advice has it for a dedicated server.
func sharedBuffers() string {
	mb := memTotalMB() / 4
	return strconv.Itoa(min(max(mb, 128), 4096)) + "MB"
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
	Migrations string `json:"migrations"`
	// Files holds each migration's digest at generation (or at the last
	// forward migration), so that data made for a prefix of today's
	// migrations can be migrated forward instead of generated again.
	Files map[string]string `json:"files,omitempty"`
	Stats GenStats          `json:"stats"`
}

// migrationFiles digests every migration file by name.
func migrationFiles() map[string]string {
	files := map[string]string{}
	_ = fs.WalkDir(migrations.FS, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := migrations.FS.ReadFile(p)
		sum := sha256.Sum256(b)
		files[p] = hex.EncodeToString(sum[:8])
		return err
	})
	return files
}

// migrationsHash names the schema the data was generated for.
func migrationsHash() string {
	files := migrationFiles()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write([]byte(files[n]))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// onlyAdded reports whether now holds every file of then unchanged, so
// that the data only lacks the migrations added since.
func onlyAdded(then, now map[string]string) bool {
	if len(then) == 0 {
		return false
	}
	for n, sum := range then {
		if now[n] != sum {
			return false
		}
	}
	return true
}

// Prepare makes sure a template database holds scale's data for the
// current migrations, then clones it into the run database, so every run
// starts from the same data. Data generated under earlier migrations is
// migrated forward when those migrations are unchanged (a migration that
// changes what the generator writes calls for BENCH_REGEN=1); it is
// generated again when missing, changed or regen is set. It returns the
// generation's statistics (from the saved file when the data was reused).
func (d *DB) Prepare(ctx context.Context, sc Scale, atiende string, regen bool, log io.Writer) (GenStats, bool, error) {
	tmpl := templateDB(sc)
	var saved savedStats
	b, err := os.ReadFile(d.statsFile(sc))
	if err == nil {
		err = json.Unmarshal(b, &saved)
	}
	exists, xerr := d.exists(ctx, tmpl)
	if xerr != nil {
		return GenStats{}, false, xerr
	}
	current := migrationFiles()
	sameData := err == nil && exists && saved.Stats.Tenants == sc.Tenants && saved.Stats.Tickets == int64(sc.Tickets)
	fresh := regen || !sameData || !onlyAdded(saved.Files, current)
	switch {
	case fresh:
		if saved, err = d.generate(ctx, sc, atiende, log); err != nil {
			return saved.Stats, false, err
		}
	case saved.Migrations != migrationsHash():
		fmt.Fprintf(log, "bench: migrating the %s data forward\n", sc.Name)
		if err := d.migrate(ctx, tmpl, atiende, log); err != nil {
			return GenStats{}, false, err
		}
		saved.Migrations, saved.Files = migrationsHash(), current
		if err := d.saveStats(sc, saved); err != nil {
			return saved.Stats, false, err
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

// generate makes scale's template database from nothing: the schema, then
// the data.
func (d *DB) generate(ctx context.Context, sc Scale, atiende string, log io.Writer) (savedStats, error) {
	tmpl := templateDB(sc)
	_ = os.Remove(d.statsFile(sc))
	if err := d.drop(ctx, tmpl); err != nil {
		return savedStats{}, err
	}
	if _, err := d.Cluster.EnsureRoles(ctx, ownerRole, appRole, tmpl); err != nil {
		return savedStats{}, err
	}
	if err := d.migrate(ctx, tmpl, atiende, log); err != nil {
		return savedStats{}, err
	}
	st, err := Generate(ctx, d.SuperURL(tmpl), sc, log)
	if err != nil {
		return savedStats{Stats: st}, err
	}
	saved := savedStats{Migrations: migrationsHash(), Files: migrationFiles(), Stats: st}
	return saved, d.saveStats(sc, saved)
}

// migrate applies the pending migrations to database db with the binary
// under test, as an operator would.
func (d *DB) migrate(ctx context.Context, db, atiende string, log io.Writer) error {
	cmd := exec.CommandContext(ctx, atiende, "migrate", "up")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+d.AppURL(db), "ATIENDE_MIGRATION_DATABASE_URL="+d.OwnerURL(db), "ATIENDE_LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bench: atiende migrate up on %s: %w", db, err)
	}
	return nil
}

func (d *DB) saveStats(sc Scale, saved savedStats) error {
	b, err := json.MarshalIndent(saved, "", "  ")
	if err == nil {
		err = os.WriteFile(d.statsFile(sc), b, 0o644)
	}
	if err != nil {
		return fmt.Errorf("bench: save %s: %w", d.statsFile(sc), err)
	}
	return nil
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
