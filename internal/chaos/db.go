package chaos

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/internal/pgcluster"
)

// The roles and database of the run, as in production: migrations as the
// owner, the server as an application role that row-level security binds.
const (
	ownerRole = "atiende_owner"
	appRole   = "atiende"
	dbName    = "atiende"
)

// database is the run's own cluster. It is durable (fsync and synchronous
// commit on): an immediate stop is a crash, and what PostgreSQL
// acknowledged must survive it.
type database struct {
	cluster *pgcluster.Cluster
	admin   *pgxpool.Pool // superuser: counts without row-level security
	stops   int
}

func startDB(ctx context.Context) (*database, error) {
	c, err := pgcluster.NewTemp()
	if err != nil {
		return nil, err
	}
	c.Durable = true
	if err := c.Init(ctx); err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	if _, err := c.EnsureRoles(ctx, ownerRole, appRole, dbName); err != nil {
		return nil, err
	}
	admin, err := pgxpool.New(ctx, c.URL("postgres", dbName))
	if err != nil {
		return nil, err
	}
	return &database{cluster: c, admin: admin}, nil
}

func (d *database) appURL() string   { return d.cluster.URL(appRole, dbName) }
func (d *database) ownerURL() string { return d.cluster.URL(ownerRole, dbName) }

// crash stops PostgreSQL in immediate mode (SIGQUIT to the postmaster):
// no checkpoint, every connection dropped, recovery from the WAL on start.
func (d *database) crash() {
	b, err := os.ReadFile(filepath.Join(d.cluster.Dir, "postmaster.pid"))
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil || pid <= 0 {
		return
	}
	d.stops++
	_ = syscall.Kill(pid, syscall.SIGQUIT)
	for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
		time.Sleep(50 * time.Millisecond)
	}
}

// ensureUp starts PostgreSQL when it is not running.
func (d *database) ensureUp(ctx context.Context) error {
	if d.cluster.Running() {
		return nil
	}
	if err := d.cluster.Start(ctx); err != nil {
		return fmt.Errorf("chaos: start PostgreSQL: %w", err)
	}
	return nil
}

func (d *database) destroy() {
	d.admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = d.cluster.Destroy(ctx)
}
