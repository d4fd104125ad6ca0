package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Options configure a harness run.
type Options struct {
	Scale      string
	Regenerate bool
	Atiende    string // the atiende binary
	Driver     string // the load driver binary
	Out        string // the markdown file to write
	Step       time.Duration
}

// DefaultOptions are make bench's.
func DefaultOptions() Options {
	return Options{Scale: "medium", Atiende: "bin/atiende", Driver: "bin/benchload", Out: "docs/benchmarks.md", Step: 5 * time.Second}
}

// PrepareOnly starts the database and prepares scale's data, then stops.
func PrepareOnly(ctx context.Context, opt Options, log io.Writer) error {
	sc, err := ParseScale(opt.Scale)
	if err != nil {
		return err
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	db, err := StartDB(ctx, root)
	if err != nil {
		return err
	}
	defer db.Cluster.Stop(context.WithoutCancel(ctx))
	st, fresh, err := db.Prepare(ctx, sc, opt.Atiende, opt.Regenerate, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "bench: %s data (fresh %v): %+v\n", sc.Name, fresh, st)
	return nil
}

// moduleRoot is the nearest directory at or above the working directory
// holding go.mod.
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
