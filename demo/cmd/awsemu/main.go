// Command awsemu runs the local AWS emulator (CloudTrail LookupEvents and the Amazon
// Lookout for Metrics API) on a loopback address, for `make run`, scripts and manual
// tests. It prints "awsemu listening on <base URL>" once it serves, and stops cleanly
// on SIGINT or SIGTERM.
//
// Signature Version 4 headers are parsed for the access key and region but never
// verified: any secret works. The admin API under /_awsemu/ (events, stats, faults,
// workload) is described in awsemu.AdminPrefix.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/demo/lmemu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run starts the emulator with the flags in args and serves until ctx is done. It
// returns the process exit code: 0 after a clean stop, 2 for bad flags, 1 otherwise.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	srv := lmemu.New(cfg.options(logger))
	srv.SetFaults(cfg.faults)
	for _, opts := range cfg.seedOptions() {
		start := time.Now()
		n := lmemu.SeedLookoutMetrics(srv.Store(), opts)
		logger.Info("seeded events", "events", n, "region", opts.Region, "source", opts.EventSource,
			"span", cfg.seedSpan, "took", time.Since(start).Round(time.Millisecond))
	}
	url, err := srv.Start(cfg.addr)
	if err != nil {
		logger.Error("cannot listen", "addr", cfg.addr, "error", err)
		return 1
	}
	_, _ = fmt.Fprintf(stdout, "awsemu listening on %s\n", url)
	done := make(chan struct{})
	go func() {
		defer close(done)
		runWorkload(ctx, cfg, url, logger)
	}()
	<-ctx.Done()
	logger.Info("shutting down")
	err = srv.Close()
	<-done
	if err != nil {
		logger.Error("closing", "error", err)
		return 1
	}
	return 0
}

// runWorkload drives the live workload the flags ask for, if any, until it is over
// or ctx is done.
func runWorkload(ctx context.Context, cfg *config, url string, logger *slog.Logger) {
	if cfg.workloadRate <= 0 {
		return
	}
	var calls, failed int
	_, err := lmemu.RunWorkload(ctx, lmemu.WorkloadOptions{Endpoint: url, Region: cfg.region,
		Rate: cfg.workloadRate, Duration: cfg.workloadDuration, Seed: cfg.seed,
		OnCall: func(c lmemu.WorkloadCall) {
			calls++
			if c.Err != nil {
				failed++
			}
			logger.Debug("workload call", "operation", c.Operation, "accessKeyId", c.AccessKeyID,
				"requestId", c.RequestID, "error", c.Err)
		}})
	if err != nil && !errors.Is(err, context.Canceled) {
		logger.Error("workload", "error", err)
	}
	logger.Info("workload done", "calls", calls, "failed", failed)
}
