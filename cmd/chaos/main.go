// Command chaos is Atiende's fault-injection suite (make chaos): see
// internal/chaos. It prints the counts and fails when anything
// acknowledged was lost or duplicated.
//
//	go run ./cmd/chaos -atiende bin/atiende [-duration 45s] [-fault-every 6s]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/atiende/atiende/internal/chaos"
)

func main() {
	var o chaos.Options
	verbose := flag.Bool("v", false, "show the server's and PostgreSQL's output")
	flag.StringVar(&o.Atiende, "atiende", "bin/atiende", "atiende binary to run")
	flag.DurationVar(&o.Duration, "duration", 45*time.Second, "how long new work starts and faults happen")
	flag.DurationVar(&o.FaultEvery, "fault-every", 6*time.Second, "time between faults (alternately kill -9 of the server and an immediate stop of PostgreSQL)")
	flag.IntVar(&o.Portal, "portal", 8, "concurrent portal clients")
	flag.IntVar(&o.Mailers, "mailers", 4, "concurrent SMTP senders")
	flag.Parse()
	o.Log = io.Discard
	if *verbose {
		o.Log = os.Stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	rep, err := chaos.Run(ctx, o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "chaos: %v\n", err)
		os.Exit(1)
	}
	rep.Print(os.Stdout)
	fmt.Printf("run took %s\n", time.Since(start).Round(time.Second))
	if !rep.OK() {
		fmt.Println("FAIL: something acknowledged was lost or duplicated")
		os.Exit(1)
	}
	fmt.Println("ok: nothing acknowledged was lost or duplicated")
}
