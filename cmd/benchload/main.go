// Command benchload is the harness's load driver (internal/loadgen), a
// process of its own so that its CPU is not counted as the server's. It
// reads a loadgen.Plan as JSON on standard input, prints progress on
// standard error and the results as JSON on standard output. cmd/bench
// runs it; it is not meant to be run by hand.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/atiende/atiende/internal/loadgen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var p loadgen.Plan
	if err := json.NewDecoder(os.Stdin).Decode(&p); err != nil {
		fmt.Fprintln(os.Stderr, "benchload: read plan:", err)
		os.Exit(1)
	}
	out, err := loadgen.Run(ctx, p, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchload:", err)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if werr := enc.Encode(out); werr != nil || err != nil {
		os.Exit(1)
	}
}
