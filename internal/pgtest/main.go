package pgtest

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Main runs the package's tests and then stops and deletes the throwaway
// server, if one was started. Call it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// On SIGINT or SIGTERM it cleans up before dying. A binary killed outright
// (or by the test timeout) takes its server down with it on Linux, and the
// next run deletes the leftover directory. m is a *testing.M, or one
// wrapped to do more once the tests have run (a package that shares a
// browser between its tests stops it there).
func Main(m interface{ Run() int }) {
	inMain.Store(true)
	sigs := make(chan os.Signal, 1)
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		if !signal.Ignored(sig) { // catching would un-ignore it
			signal.Notify(sigs, sig)
		}
	}
	go func() {
		sig, ok := <-sigs
		if !ok {
			return
		}
		shutdown()
		// Die of the signal, as if pgtest had not caught it.
		signal.Reset(sig)
		_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		time.Sleep(time.Second)
		os.Exit(1)
	}()
	code := m.Run()
	signal.Stop(sigs)
	close(sigs)
	shutdown()
	os.Exit(code)
}

// shutdown closes the admin pool and destroys the throwaway cluster.
func shutdown() {
	shutdownOnce.Do(func() {
		mu.Lock()
		defer mu.Unlock()
		if srv == nil {
			return
		}
		if srv.admin != nil {
			srv.admin.Close()
		}
		if srv.cluster != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := srv.cluster.Destroy(ctx); err != nil {
				fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			}
		}
	})
}
