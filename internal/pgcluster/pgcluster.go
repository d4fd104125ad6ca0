// Package pgcluster runs a local PostgreSQL cluster with initdb and pg_ctl,
// without Docker: a throwaway one per test binary (see internal/pgtest) and
// the developer's database in .data (see cmd/devdb).
//
// The server listens only on a Unix socket in SocketDir, so clusters never
// compete for TCP ports. When this process runs as root the server programs
// run as the postgres system user, since initdb and postgres refuse root;
// Dir and SocketDir are then handed to that user.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Port is the port every cluster uses. It only names the socket file
// (SocketDir/.s.PGSQL.5432): no TCP listener is opened.
const Port = 5432

// maxSocketPath is the longest Unix socket path PostgreSQL accepts
// (sizeof sun_path minus the terminating NUL).
const maxSocketPath = 107

// confFile holds the settings this package manages. postgresql.conf includes
// it, and Start rewrites it, so a moved directory still gets the right socket.
const confFile = "atiende.conf"

// Cluster is one PostgreSQL data directory and the server running on it.
// Set the exported fields before calling Init or Start. A Cluster is not safe
// for concurrent use.
type Cluster struct {
	// Dir is the data directory.
	Dir string
	// SocketDir holds the server's Unix socket. Keep it short: the socket
	// path must fit in 107 bytes.
	SocketDir string
	// Durable keeps fsync, synchronous_commit and full_page_writes on, for
	// data that must survive a crash (the dev database). Test clusters leave
	// it false.
	Durable bool
	// Attached makes Start run the server as a child of this process that
	// the kernel stops when this process dies (Linux), instead of a daemon
	// started by pg_ctl that outlives it. Tests use it so a killed or timed
	// out test binary leaves no server behind.
	Attached bool
	// SharedBuffers is the server's shared_buffers (128MB when empty, for
	// tests and the dev database); the bench sizes it like a server's.
	SharedBuffers string

	temp string              // root directory created by NewTemp, removed by Destroy
	bin  string              // directory of initdb, pg_ctl and postgres
	cred *syscall.Credential // the server's user; nil for this process's own

	child  *exec.Cmd     // the attached postmaster
	exited chan struct{} // closed when the attached postmaster exits
}

// LogFile is the server log's path.
func (c *Cluster) LogFile() string { return filepath.Join(c.Dir, "server.log") }

// Initialized reports whether Dir holds a data directory.
func (c *Cluster) Initialized() bool {
	_, err := os.Stat(filepath.Join(c.Dir, "PG_VERSION"))
	return err == nil
}

// Init creates the data directory with initdb: superuser postgres, trust
// authentication (only the socket's directory permissions guard it), UTF8
// and the C.UTF-8 locale, or C where C.UTF-8 is unavailable.
func (c *Cluster) Init(ctx context.Context) error {
	if err := c.setup(); err != nil {
		return err
	}
	if c.Initialized() {
		return fmt.Errorf("pgcluster: %s is already initialized", c.Dir)
	}
	if err := c.makeDirs(); err != nil {
		return err
	}
	args := []string{"-D", c.Dir, "-A", "trust", "-U", "postgres", "-E", "UTF8"}
	if !c.Durable {
		args = append(args, "--no-sync")
	}
	out, err := c.run(ctx, "initdb", append(args, "--locale=C.UTF-8")...)
	if err != nil && bytes.Contains(out, []byte("invalid locale")) {
		// Systems without the C.UTF-8 locale. initdb removes what it wrote,
		// but clear the directory anyway before trying again.
		if err := clearDir(c.Dir); err != nil {
			return err
		}
		out, err = c.run(ctx, "initdb", append(args, "--locale=C")...)
	}
	if err != nil {
		return fmt.Errorf("pgcluster: initdb %s: %w\n%s", c.Dir, err, out)
	}
	conf := filepath.Join(c.Dir, "postgresql.conf")
	f, err := os.OpenFile(conf, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if _, err := fmt.Fprintf(f, "\n# Settings managed by internal/pgcluster.\ninclude_if_exists = '%s'\n", confFile); err != nil {
		f.Close()
		return fmt.Errorf("pgcluster: write %s: %w", conf, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("pgcluster: write %s: %w", conf, err)
	}
	return c.writeConf()
}

// writeConf (re)writes the managed settings.
func (c *Cluster) writeConf() error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by internal/pgcluster on every start; edits are lost.\n")
	fmt.Fprintf(&b, "listen_addresses = ''\nport = %d\nunix_socket_directories = '%s'\n", Port, strings.ReplaceAll(c.SocketDir, "'", "''"))
	buffers := c.SharedBuffers
	if buffers == "" {
		buffers = "128MB"
	}
	fmt.Fprintf(&b, "max_connections = 200\nshared_buffers = %s\njit = off\n", buffers)
	if !c.Durable {
		// Throwaway data: skip every flush, and parallel query, whose
		// workers only add start-up cost on tiny test tables.
		b.WriteString("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_parallel_workers_per_gather = 0\n")
	}
	p := filepath.Join(c.Dir, confFile)
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("pgcluster: write %s: %w", p, err)
	}
	return c.chown(p)
}

// setup finds the server programs and the user to run them as, makes Dir
// and SocketDir absolute and checks the socket path's length, which
// PostgreSQL limits to 107 bytes.
func (c *Cluster) setup() error {
	if c.bin == "" {
		bin, err := serverBinDir()
		if err != nil {
			return err
		}
		cred, err := serverCredential()
		if err != nil {
			return err
		}
		c.bin, c.cred = bin, cred
	}
	if c.Dir == "" || c.SocketDir == "" {
		return errors.New("pgcluster: Dir and SocketDir must be set")
	}
	var err error
	if c.Dir, err = filepath.Abs(c.Dir); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if c.SocketDir, err = filepath.Abs(c.SocketDir); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if sock := filepath.Join(c.SocketDir, ".s.PGSQL."+strconv.Itoa(Port)); len(sock) > maxSocketPath {
		return fmt.Errorf("pgcluster: socket path %s is %d bytes, over the %d-byte limit: use a shorter SocketDir", sock, len(sock), maxSocketPath)
	}
	return nil
}

// makeDirs creates Dir and SocketDir (mode 0700) and gives them to the user
// the server runs as. Missing parents get mode 0755, so that user can reach
// them.
func (c *Cluster) makeDirs() error {
	for _, d := range []string{c.Dir, c.SocketDir} {
		if err := os.MkdirAll(filepath.Dir(d), 0o755); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if err := c.chown(d); err != nil {
			return err
		}
	}
	return nil
}

// chown gives path to the postgres user when running as root.
func (c *Cluster) chown(path string) error {
	if c.cred == nil {
		return nil
	}
	if err := os.Chown(path, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}

// run runs a server program as the server's user and returns its combined
// output.
func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	// A directory the postgres user can always enter (it may not be able
	// to read ours).
	cmd.Dir = "/"
	cmd.Env = serverEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil && c.cred != nil && bytes.Contains(out, []byte("ermission denied")) {
		err = fmt.Errorf("%w (it runs as the postgres user, which must be able to reach %s and %s)", err, c.Dir, c.SocketDir)
	}
	return out, err
}

// serverEnv is this process's environment without PG* variables, which
// would otherwise override the port, data directory and more.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// logTail returns the end of the server log, to explain a failed start.
func (c *Cluster) logTail() string {
	b, err := os.ReadFile(c.LogFile())
	if err != nil || len(b) == 0 {
		return ""
	}
	const max = 2000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return "\nserver log " + c.LogFile() + ":\n" + string(b)
}

// clearDir removes everything inside dir but dir itself.
func clearDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
	}
	return nil
}
