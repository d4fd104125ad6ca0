package server_test

import (
	"bytes"
	"context"
	"os"
	"sync"
	"syscall"
	"testing"

	"github.com/chromedp/chromedp"
)

// chromium is the one Chromium process the package's browser tests share.
// Starting one costs about three seconds of CPU (measured with the tests'
// flags), and make test runs some thirty browser tests on two cores: it is
// started once, by the first test that needs it, and each test opens a tab
// in a browser context of its own (startBrowser). TestMain stops it.
var chromium struct {
	once   sync.Once
	ctx    context.Context // the browser; tabs are made from it
	stop   func()
	output *lockedBuffer // what Chromium wrote on stdout and stderr
	err    error
}

// sharedChromium returns the shared browser's context and output, starting
// it on the first call; a browser that failed to start fails every test
// that asks for it.
func sharedChromium(t *testing.T, exe string) (context.Context, *lockedBuffer) {
	t.Helper()
	c := &chromium
	c.once.Do(func() { c.err = startChromium(exe) })
	if c.err != nil {
		t.Fatalf("starting %s: %v\n%s", exe, c.err, c.output.tail(8<<10))
	}
	return c.ctx, c.output
}

func startChromium(exe string) error {
	c := &chromium
	c.output = &lockedBuffer{}
	profile, err := os.MkdirTemp("", "atiende-chromium-")
	if err != nil {
		return err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(desktopWidth, desktopHeight),
		// The network is closed but for loopback: keep Chromium from calling home.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.CombinedOutput(c.output),
	}
	if smallSharedMemory() {
		opts = append(opts, chromedp.Flag("disable-dev-shm-usage", true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	c.stop = func() {
		cancelBrowser()
		cancelAlloc() // waits for the process to exit
		_ = os.RemoveAll(profile)
	}
	// The first Run starts the browser and binds it to ctx, which has no
	// deadline: the browser lives until stopChromium.
	if err := chromedp.Do(ctx); err != nil {
		c.stop()
		return err
	}
	c.ctx = ctx
	return nil
}

// smallSharedMemory reports whether /dev/shm is too small for Chromium's
// shared memory (a container's default 64 MB), which it then keeps in /tmp
// files instead. Only then: on a full-sized /dev/shm those files cost the
// browser tests about a tenth more CPU (measured on two cores).
func smallSharedMemory() bool {
	var fs syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &fs); err != nil {
		return true
	}
	return uint64(fs.Bsize)*fs.Blocks < 1<<30
}

// stopChromium stops the shared browser, if a test started it.
func stopChromium() {
	if chromium.stop != nil {
		chromium.stop()
	}
}

// runThenStopChromium runs the package's tests, then stops the browser
// they shared, before pgtest removes its database cluster.
type runThenStopChromium struct{ m *testing.M }

func (r runThenStopChromium) Run() int {
	code := r.m.Run()
	stopChromium()
	return code
}

// lockedBuffer collects what other goroutines write: the browser's output,
// a server's log.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// tail is the last n bytes written (all of them when fewer).
func (w *lockedBuffer) tail(n int) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.buf.Bytes()
	return string(b[max(0, len(b)-n):])
}
