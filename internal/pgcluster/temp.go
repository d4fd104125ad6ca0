package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// tempPrefix names temporary cluster directories. Keep it short: the socket
// lives directly in the directory.
const tempPrefix = "atpg"

// ownerFile, in a temporary cluster's directory, holds the pid of the
// process that created it.
const ownerFile = "owner.pid"

// NewTemp returns a throwaway cluster in a new directory under the system's
// temporary directory: attached to this process, not durable, with the
// socket in that directory and the data in its data subdirectory. Call Init
// and Start next, and Destroy when done.
//
// NewTemp first removes temporary clusters whose creating process has died
// (a test binary that timed out or was killed), stopping their servers.
func NewTemp() (*Cluster, error) {
	parent := os.TempDir()
	if len(parent) > 60 { // keep room for /atpgNNNNNNNNNN/.s.PGSQL.5432
		parent = "/tmp"
	}
	sweepTemp(parent)
	root, err := os.MkdirTemp(parent, tempPrefix)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if err := os.WriteFile(filepath.Join(root, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		os.RemoveAll(root)
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	return &Cluster{
		Dir:       filepath.Join(root, "data"),
		SocketDir: root,
		Attached:  true,
		temp:      root,
	}, nil
}

// Destroy stops the server and deletes Dir, or for a NewTemp cluster its
// whole temporary directory.
func (c *Cluster) Destroy(ctx context.Context) error {
	stopErr := c.Stop(ctx)
	dir := c.Dir
	if c.temp != "" {
		dir = c.temp
	}
	if err := os.RemoveAll(dir); err != nil {
		return errors.Join(stopErr, fmt.Errorf("pgcluster: %w", err))
	}
	return stopErr
}

// sweepTemp removes the temporary clusters in parent whose owner process is
// gone. It is best effort: what it cannot remove (another user's, say) stays.
func sweepTemp(parent string) {
	roots, _ := filepath.Glob(filepath.Join(parent, tempPrefix+"*"))
	for _, root := range roots {
		owner := readPID(filepath.Join(root, ownerFile))
		if owner <= 0 || processAlive(owner) {
			continue
		}
		pidFile := filepath.Join(root, "data", "postmaster.pid")
		if postmasterAlive(pidFile) {
			pid := readPID(pidFile)
			_ = syscall.Kill(pid, syscall.SIGQUIT)
			for i := 0; i < 100 && processAlive(pid); i++ {
				time.Sleep(10 * time.Millisecond)
			}
		}
		_ = os.RemoveAll(root)
	}
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
