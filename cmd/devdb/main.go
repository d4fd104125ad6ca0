// Command devdb runs the local development database for make run and make
// stop: a PostgreSQL cluster in .data/postgres, listening only on a Unix
// socket in .data/run (or, when devdb runs as root and the postgres user
// cannot reach the clone, as in /root/<clone>, the same two directories
// under /var/lib/atiende/dev/<clone>-<hash>), with two ordinary roles: atiende_owner owns the
// database atiende and runs the migrations, atiende (the application) may
// only connect and use what the migrations grant it.
//
//	go run ./cmd/devdb start      create (the first time) and start it; print DATABASE_URL
//	go run ./cmd/devdb url        print DATABASE_URL (the application role's)
//	go run ./cmd/devdb owner-url  print ATIENDE_MIGRATION_DATABASE_URL (the owner's)
//	go run ./cmd/devdb stop       stop it
//
// Only the URL goes to standard output, so url=$(go run ./cmd/devdb start)
// works; progress goes to standard error. Every command is idempotent.
//
// A .data cluster made before the two roles, where atiende owned the
// database, is converted by start: everything atiende owned passes to
// atiende_owner, and the next atiende migrate up grants atiende its
// privileges.
package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/atiende/atiende/internal/pgcluster"
)

// The application's role, the schema owner's role and the database. Both
// roles are ordinary (no superuser, no BYPASSRLS), so row-level security
// binds them; the application's owns nothing, so it cannot switch it off.
const (
	role      = "atiende"
	ownerRole = "atiende_owner"
	database  = "atiende"
)

const usage = "usage: devdb start|stop|url|owner-url"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "devdb: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return errors.New(usage)
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	c, err := cluster(root, stderr, args[0] == "start")
	if err != nil {
		return err
	}
	switch args[0] {
	case "start":
		return start(ctx, c, stdout, stderr)
	case "stop":
		if !c.Running() {
			fmt.Fprintln(stderr, "devdb: not running")
			return nil
		}
		fmt.Fprintf(stderr, "devdb: stopping PostgreSQL in %s\n", c.Dir)
		return c.Stop(ctx)
	case "url":
		fmt.Fprintln(stdout, c.URL(role, database))
		return nil
	case "owner-url":
		fmt.Fprintln(stdout, c.URL(ownerRole, database))
		return nil
	default:
		return errors.New(usage)
	}
}

// start creates the cluster if needed, starts it unless it runs, makes sure
// the roles and database exist and prints the application's URL.
func start(ctx context.Context, c *pgcluster.Cluster, stdout, stderr io.Writer) error {
	if !c.Initialized() {
		fmt.Fprintf(stderr, "devdb: creating a PostgreSQL cluster in %s\n", c.Dir)
		if err := c.Init(ctx); err != nil {
			return err // when PostgreSQL is missing, the error says what to install
		}
	}
	if !c.Running() {
		fmt.Fprintf(stderr, "devdb: starting PostgreSQL (log: %s)\n", c.LogFile())
		if err := c.Start(ctx); err != nil {
			return err // when PostgreSQL is missing, the error says what to install
		}
	}
	reassigned, err := c.EnsureRoles(ctx, ownerRole, role, database)
	if err != nil {
		return err
	}
	if reassigned {
		fmt.Fprintf(stderr, "devdb: role %s owned database %s: its objects now belong to %s; 'atiende migrate up' with ATIENDE_MIGRATION_DATABASE_URL=$(go run ./cmd/devdb owner-url) grants %s what it needs\n", role, database, ownerRole, role)
	}
	fmt.Fprintln(stdout, c.URL(role, database))
	return nil
}

// sharedBase is where the cluster lives when the postgres system user (which
// runs the server when devdb runs as root) cannot reach the repository, as
// with a clone in /root: one directory per clone, named after its path.
const sharedBase = "/var/lib/atiende/dev"

// cluster returns the development cluster of the repository at root: in
// root/.data when the server's user can reach it, otherwise in a directory
// of its own under sharedBase. An existing cluster wins in either place, so
// stop and url find what start made. explain says where it went and why.
func cluster(root string, stderr io.Writer, explain bool) (*pgcluster.Cluster, error) {
	local := &pgcluster.Cluster{
		Dir:       filepath.Join(root, ".data", "postgres"),
		SocketDir: filepath.Join(root, ".data", "run"),
		Durable:   true,
	}
	sum := sha256.Sum256([]byte(root))
	name := filepath.Base(root)
	if len(name) > 24 { // keep the socket path well under its limit
		name = name[:24]
	}
	dir := filepath.Join(sharedBase, fmt.Sprintf("%s-%x", name, sum[:4]))
	shared := &pgcluster.Cluster{
		Dir:       filepath.Join(dir, "postgres"),
		SocketDir: filepath.Join(dir, "run"),
		Durable:   true,
	}
	switch {
	case local.Initialized():
		return local, nil
	case shared.Initialized():
		return shared, nil
	}
	ok, err := pgcluster.ServerCanReach(local.Dir)
	if err != nil || ok {
		return local, err
	}
	if explain {
		fmt.Fprintf(stderr, "devdb: the postgres user cannot reach %s, so the cluster lives in %s\n", root, dir)
	}
	return shared, nil
}

// moduleRoot is the nearest directory at or above the working directory
// holding go.mod, so .data lands in the repository root wherever devdb runs.
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return wd, nil
		}
	}
}
