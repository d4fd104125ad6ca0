package pgcluster

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ServerCanReach reports whether the user the server programs run as can
// enter every directory on the way to dir: always when this process is not
// root, since the server then runs as this process's own user. When root,
// the server runs as the postgres system user, which cannot enter, say,
// /root (mode 0700), so a cluster under /root/<clone>/.data would fail in
// initdb. Parts of the path that do not exist yet are created by Init with
// mode 0755 and need no check. Access control lists are not read, so the
// answer errs on the side of "no".
func ServerCanReach(dir string) (bool, error) {
	cred, err := serverCredential()
	if err != nil {
		return false, err
	}
	if cred == nil {
		return true, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false, fmt.Errorf("pgcluster: %w", err)
	}
	var chain []string
	for d := abs; ; d = filepath.Dir(d) {
		chain = append(chain, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i := len(chain) - 1; i >= 0; i-- { // from / down to dir
		fi, err := os.Stat(chain[i])
		if errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("pgcluster: %w", err)
		}
		if !canEnter(fi, cred) {
			return false, nil
		}
	}
	return true, nil
}

// canEnter applies the search (x) permission bit that matches cred: the
// owner's, the group's or everyone else's.
func canEnter(fi fs.FileInfo, cred *syscall.Credential) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	mode := fi.Mode().Perm()
	switch {
	case st.Uid == cred.Uid:
		return mode&0o100 != 0
	case st.Gid == cred.Gid:
		return mode&0o010 != 0
	default:
		return mode&0o001 != 0
	}
}
