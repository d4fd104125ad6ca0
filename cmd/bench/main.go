// Command bench is Atiende's performance harness (make bench): it starts a
// PostgreSQL of its own in .data/bench, generates a help desk at the chosen
// scale, serves it with `atiende serve`, drives load at it from a second
// process (cmd/benchload) and writes docs/benchmarks.md.
//
//	bench run  -scale medium   the whole harness (what make bench runs)
//	bench gen  -scale small    only prepare the data (generate or reuse it)
//	bench report               rewrite docs/benchmarks.md from the saved results
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/atiende/atiende/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: bench run|gen|report [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	opt := bench.DefaultOptions()
	fs.StringVar(&opt.Scale, "scale", envOr("BENCH_SCALE", opt.Scale), "small, medium or large (env BENCH_SCALE)")
	fs.BoolVar(&opt.Regenerate, "regen", os.Getenv("BENCH_REGEN") != "", "generate the data even if a copy for this scale and schema exists (env BENCH_REGEN)")
	fs.StringVar(&opt.Atiende, "atiende", opt.Atiende, "the atiende binary to serve")
	fs.StringVar(&opt.Driver, "driver", opt.Driver, "the load driver binary (cmd/benchload)")
	fs.StringVar(&opt.Out, "out", opt.Out, "the results file to write")
	fs.DurationVar(&opt.Step, "step", envDuration("BENCH_STEP", opt.Step), "how long each measurement runs (env BENCH_STEP)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "run":
		return bench.Run(ctx, opt, os.Stderr)
	case "gen":
		return bench.PrepareOnly(ctx, opt, os.Stderr)
	case "report":
		return bench.Report(opt.Out)
	}
	return fmt.Errorf("unknown command %q (run, gen, report)", args[0])
}
