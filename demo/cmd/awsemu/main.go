// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Command awsemu runs the local AWS emulator (CloudTrail LookupEvents, STS,
// Organizations and the Amazon Lookout for Metrics API) on a loopback address, for
// `make run`, scripts and manual tests. It prints "awsemu listening on <base URL>" once it serves, and stops cleanly
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
	"sync"
	"syscall"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/demo/lmemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
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
	seed(srv, cfg, logger)
	feed, err := newTrailFeed(ctx, cfg, srv, logger) // the calls from now on, not the seeded history
	if err != nil {
		logger.Error("real-time feed setup", "error", err)
		return 1
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
		runWorkloads(ctx, cfg, url, logger)
	}()
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		runFeed(ctx, cfg, srv, logger)
	}()
	streamed := make(chan struct{})
	go func() {
		defer close(streamed)
		if feed != nil {
			runTrailFeed(ctx, feed, logger)
		}
	}()
	<-ctx.Done()
	logger.Info("shutting down")
	err = srv.Close()
	<-done
	<-fed
	<-streamed
	if err != nil {
		logger.Error("closing", "error", err)
		return 1
	}
	return 0
}

// seed bulk-seeds every account-region-source the flags ask for: a line per stream
// at debug, a summary at info.
func seed(srv *awsemu.Server, cfg *config, logger *slog.Logger) {
	start, total, streams := time.Now(), 0, 0
	for _, opts := range cfg.seedOptions() {
		t := time.Now()
		n := lmemu.SeedLookoutMetrics(srv.Store(), opts)
		total += n
		streams++
		logger.Debug("seeded events", "events", n, "account", opts.Account, "region", opts.Region,
			"source", opts.EventSource, "span", cfg.seedSpan, "took", time.Since(t).Round(time.Millisecond))
	}
	if streams > 0 {
		logger.Info("seeded events", "events", total, "streams", streams, "accounts", len(cfg.fleetAccounts()),
			"span", cfg.seedSpan, "took", time.Since(start).Round(time.Millisecond))
	}
}

// runWorkloads drives the live workload the flags ask for, if any (one per account
// of -accounts, each at -workload-rate, else one in -account), until it is over or
// ctx is done.
func runWorkloads(ctx context.Context, cfg *config, url string, logger *slog.Logger) {
	if cfg.workloadRate <= 0 {
		return
	}
	members := cfg.memberAccounts()
	if members == nil {
		runWorkload(ctx, cfg, url, nil, logger)
		return
	}
	var wg sync.WaitGroup
	for _, a := range members {
		wg.Go(func() { runWorkload(ctx, cfg, url, awsemu.AccountPrincipals(a), logger.With("account", a)) })
	}
	wg.Wait()
}

// runWorkload drives one live workload with principals (nil: the defaults).
func runWorkload(ctx context.Context, cfg *config, url string, principals map[string]awsemu.Principal, logger *slog.Logger) {
	var calls, failed int
	_, err := lmemu.RunWorkload(ctx, lmemu.WorkloadOptions{Endpoint: url, Region: cfg.region,
		Rate: cfg.workloadRate, Duration: cfg.workloadDuration, Seed: cfg.seed, Principals: principals,
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

// runFeed writes the live events of -live-rate into the store until ctx is done.
func runFeed(ctx context.Context, cfg *config, srv *awsemu.Server, logger *slog.Logger) {
	if cfg.liveRate <= 0 {
		return
	}
	opts := cfg.feedOptions(cfg.options(nil).DeliveryDelay)
	opts.Clock = func() time.Time { return time.Now().Add(cfg.clockOffset) }
	logger.Info("live feed", "events_per_second_per_stream", cfg.liveRate,
		"streams", len(opts.Accounts)*len(opts.Regions)*len(opts.Sources))
	n := lmemu.Feed(ctx, srv.Store(), opts)
	logger.Info("live feed done", "events", n)
}
