package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// ErrNotInstalled reports that the PostgreSQL server programs (initdb,
// pg_ctl, postgres) or, when running as root, the postgres system user are
// missing. Callers test for it with errors.Is to skip rather than fail.
var ErrNotInstalled = errors.New("PostgreSQL server not found: install PostgreSQL (apt-get install postgresql)")

// debianBinGlob is where Debian's postgresql-NN packages put the server
// programs; only the client wrappers land on PATH.
const debianBinGlob = "/usr/lib/postgresql/*/bin"

// FindBin returns the path of the PostgreSQL program name (initdb, pg_ctl,
// postgres, …), searching PATH first and then /usr/lib/postgresql/*/bin,
// newest major version first. The error wraps ErrNotInstalled.
func FindBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return filepath.Abs(p)
	}
	for _, dir := range debianBinDirs() {
		p := filepath.Join(dir, name)
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("pgcluster: %s not found in $PATH or %s: %w", name, debianBinGlob, ErrNotInstalled)
}

// debianBinDirs lists /usr/lib/postgresql/*/bin, newest version first.
func debianBinDirs() []string {
	dirs, _ := filepath.Glob(debianBinGlob) // the pattern is valid
	version := func(dir string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64) // "15", "9.6"
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int {
		va, vb := version(a), version(b)
		switch {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return strings.Compare(a, b)
	})
	return dirs
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// serverBinDir returns one directory holding initdb, pg_ctl and postgres of
// the same version. initdb is located with FindBin and symlinks are resolved,
// so /usr/local/bin/initdb → /usr/lib/postgresql/15/bin picks that version's
// pg_ctl and postgres too.
func serverBinDir() (string, error) {
	initdb, err := FindBin("initdb")
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(initdb); err == nil {
		initdb = real
	}
	dir := filepath.Dir(initdb)
	for _, name := range []string{"pg_ctl", "postgres"} {
		if !isExecutable(filepath.Join(dir, name)) {
			return "", fmt.Errorf("pgcluster: %s has initdb but no %s: %w", dir, name, ErrNotInstalled)
		}
	}
	return dir, nil
}

// serverCredential returns the identity the server programs run as: nil
// (this process's own) normally, or the postgres system user when running
// as root, because initdb and postgres refuse to run as root.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgcluster: running as root needs the postgres system user to run the server (%v): %w", err, ErrNotInstalled)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: postgres user id %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: postgres group id %q: %w", u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}
