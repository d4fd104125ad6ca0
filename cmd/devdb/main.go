// Command devdb runs the local development database for make run and make
// stop: a PostgreSQL cluster in .data/postgres, listening only on a Unix
// socket in .data/run, with the ordinary role atiende owning the database
// atiende.
//
//	go run ./cmd/devdb start   create (the first time) and start it; print DATABASE_URL
//	go run ./cmd/devdb url     print DATABASE_URL
//	go run ./cmd/devdb stop    stop it
//
// Only the URL goes to standard output, so url=$(go run ./cmd/devdb start)
// works; progress goes to standard error. Both commands are idempotent.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/atiende/atiende/internal/pgcluster"
)

// The application's role and database. The role is ordinary (no superuser,
// no BYPASSRLS), so row-level security binds it.
const (
	role     = "atiende"
	database = "atiende"
)

const usage = "usage: devdb start|stop|url"

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
	c := &pgcluster.Cluster{
		Dir:       filepath.Join(root, ".data", "postgres"),
		SocketDir: filepath.Join(root, ".data", "run"),
		Durable:   true,
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
	default:
		return errors.New(usage)
	}
}

// start creates the cluster if needed, starts it unless it runs, makes sure
// the role and database exist and prints the URL.
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
	if err := c.EnsureRole(ctx, role, database); err != nil {
		return err
	}
	fmt.Fprintln(stdout, c.URL(role, database))
	return nil
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
