package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// NewStandby copies c, which must be running, into a new temporary cluster
// with pg_basebackup and starts it as a hot standby streaming c's WAL: it
// answers read-only queries and replays every change made on c. It costs a
// checkpoint on c and a copy of c's data directory, so keep c small.
// Destroy it when done.
func (c *Cluster) NewStandby(ctx context.Context) (*Cluster, error) {
	if err := c.setup(); err != nil {
		return nil, err
	}
	s, err := NewTemp()
	if err != nil {
		return nil, err
	}
	s.Durable = c.Durable
	if err := s.setup(); err != nil {
		return nil, errors.Join(err, s.Destroy(ctx))
	}
	if err := s.makeDirs(); err != nil {
		return nil, errors.Join(err, s.Destroy(ctx))
	}
	// -R writes standby.signal and the primary's connection settings;
	// -c fast asks c for an immediate checkpoint instead of waiting for
	// the next one; -X stream copies the WAL written meanwhile.
	args := []string{"-D", s.Dir, "-h", c.SocketDir, "-p", strconv.Itoa(Port), "-U", "postgres",
		"-R", "-c", "fast", "-X", "stream"}
	if !c.Durable {
		args = append(args, "--no-sync")
	}
	if out, err := s.run(ctx, "pg_basebackup", args...); err != nil {
		return nil, errors.Join(fmt.Errorf("pgcluster: pg_basebackup of %s: %w\n%s", c.Dir, err, out), s.Destroy(ctx))
	}
	// The copy holds c's log and its lock file's leftovers: start afresh.
	for _, f := range []string{s.LogFile(), filepath.Join(s.Dir, "postmaster.pid")} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, errors.Join(fmt.Errorf("pgcluster: %w", err), s.Destroy(ctx))
		}
	}
	if err := s.Start(ctx); err != nil {
		return nil, errors.Join(err, s.Destroy(ctx))
	}
	return s, nil
}
