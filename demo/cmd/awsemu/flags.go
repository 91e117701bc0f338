// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/demo/lmemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// config is what the command line asks for.
type config struct {
	addr                     string
	rps                      float64
	burst                    int
	account, region          string
	deliveryMin, deliveryMax time.Duration
	workloadRate             float64
	workloadDuration         time.Duration
	seedEvents               int
	seedSpan                 time.Duration
	seedSource, seedRegions  string
	accounts                 string
	accountsCount            int
	roleName, externalID     string
	liveRate                 float64
	lazyRecords              bool
	faults                   awsemu.Faults
	clockOffset              time.Duration
	strictTimeRange          bool
	seed                     uint64
	logLevel                 slog.Level
	feed                     feedConfig
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("awsemu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:4566", "listen address")
	fs.Float64Var(&c.rps, "rps", awsemu.DefaultRequestsPerSecond, "LookupEvents quota per account and region, requests/s; -1 = unlimited")
	fs.IntVar(&c.burst, "burst", 0, "quota bucket size; 0 = ceil(rps)")
	fs.StringVar(&c.account, "account", awsemu.DefaultAccountID, "account of unknown access keys and of seeded events")
	fs.StringVar(&c.region, "region", "us-east-1", "region of seeded events and of the workload")
	fs.DurationVar(&c.deliveryMin, "delivery-delay-min", awsemu.DefaultDeliveryDelayMin, "least delay before a recorded call is visible")
	fs.DurationVar(&c.deliveryMax, "delivery-delay-max", awsemu.DefaultDeliveryDelayMax, "greatest delay before a recorded call is visible (0 and 0: at once)")
	fs.Float64Var(&c.workloadRate, "workload-rate", 0, "live Lookout for Metrics workload, calls/s; 0 = none")
	fs.DurationVar(&c.workloadDuration, "workload-duration", 0, "stop the workload after this long; 0 = run until stopped")
	fs.IntVar(&c.seedEvents, "seed-events", 0, "bulk-seed this many Lookout for Metrics events before serving")
	fs.DurationVar(&c.seedSpan, "seed-span", 24*time.Hour, "seeded events spread over this span, up to now")
	fs.StringVar(&c.seedSource, "seed-source", awsemu.LookoutMetricsEventSource, "eventSource of seeded events; a comma-separated list seeds each")
	fs.StringVar(&c.seedRegions, "seed-regions", "", "comma-separated regions to seed, -seed-events each per source; default -region")
	fs.StringVar(&c.accounts, "accounts", "", "comma-separated member accounts: each is seeded, fed and worked like -account, is a member of the organization of -account (its management account) and has the role -role-name")
	fs.IntVar(&c.accountsCount, "accounts-count", 0, "as -accounts with this many generated account IDs (100000000001...)")
	fs.StringVar(&c.roleName, "role-name", "otel-cloudtrail-reader", "the reader role in each of -accounts")
	fs.StringVar(&c.externalID, "external-id", "", "the external ID the roles of -accounts ask for; empty: none")
	fs.Float64Var(&c.liveRate, "live-rate", 0, "live events/s written straight into each account-region-source of the seeding (no API calls); 0 = none")
	fs.BoolVar(&c.lazyRecords, "lazy-records", false, "keep seeded and fed events without their record's JSON, built when LookupEvents returns them: about 40% of the memory, for millions of events")
	fs.Float64Var(&c.faults.ErrorRate, "error-rate", 0, "fraction of requests answered with HTTP 500/503")
	fs.DurationVar(&c.faults.Latency, "latency", 0, "latency added to every request")
	fs.Float64Var(&c.faults.MalformedRate, "malformed-rate", 0, "fraction of CloudTrailEvent strings returned malformed")
	fs.Float64Var(&c.faults.LateDeliveryRate, "late-rate", 0, "fraction of recorded calls delivered late")
	fs.DurationVar(&c.faults.LateDeliveryExtra, "late-extra", awsemu.DefaultLateDeliveryExtra, "extra delay of late deliveries")
	fs.DurationVar(&c.clockOffset, "clock-offset", 0, "the server's clock (and every response's Date) runs this far ahead of the host's; negative: behind")
	fs.BoolVar(&c.strictTimeRange, "strict-time-range", false, "refuse LookupEvents ranges past now or older than 90 days instead of clamping them")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the random source (faults, delays, workload, seeded events)")
	c.feed.register(fs)
	level := fs.String("log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := c.logLevel.UnmarshalText([]byte(*level)); err != nil {
		_, _ = fmt.Fprintf(stderr, "invalid -log-level %q: %v\n", *level, err)
		return nil, err
	}
	if fs.NArg() > 0 || c.deliveryMax < c.deliveryMin || c.seedEvents < 0 || c.liveRate < 0 {
		_, _ = fmt.Fprintln(stderr, "awsemu takes no arguments; -delivery-delay-max must be >= -delivery-delay-min; -seed-events, -live-rate >= 0")
		return nil, fmt.Errorf("invalid command line")
	}
	if err := errors.Join(c.checkAccounts(), c.feed.check()); err != nil {
		_, _ = fmt.Fprintln(stderr, err)
		return nil, err
	}
	return c, nil
}

var accountIDRE = regexp.MustCompile(`^\d{12}$`)

func (c *config) checkAccounts() error {
	switch {
	case c.accounts != "" && c.accountsCount != 0:
		return errors.New("-accounts and -accounts-count exclude each other")
	case c.accountsCount < 0 || c.accountsCount > maxAccounts:
		return fmt.Errorf("-accounts-count must be between 0 and %d", maxAccounts)
	}
	for _, a := range c.memberAccounts() {
		if !accountIDRE.MatchString(a) {
			return fmt.Errorf("-accounts: %q is not a 12-digit account ID", a)
		}
	}
	return nil
}

const maxAccounts = 10000

// memberAccounts are the accounts of -accounts or -accounts-count; nil without them.
func (c *config) memberAccounts() []string {
	if c.accounts != "" {
		return strings.Split(c.accounts, ",")
	}
	var out []string
	for i := range c.accountsCount {
		out = append(out, fmt.Sprintf("%012d", 100000000001+i))
	}
	return out
}

// fleetAccounts are the accounts seeded, fed and worked: the members, else -account.
func (c *config) fleetAccounts() []string {
	if m := c.memberAccounts(); m != nil {
		return m
	}
	return []string{c.account}
}

// regions are the regions seeded and fed: -seed-regions, else -region.
func (c *config) regions() []string {
	if c.seedRegions != "" {
		return strings.Split(c.seedRegions, ",")
	}
	return []string{c.region}
}

func (c *config) options(logger *slog.Logger) awsemu.Options {
	opts := awsemu.Options{
		RequestsPerSecond: c.rps,
		Burst:             c.burst,
		DefaultAccount:    c.account,
		Logger:            logger,
		Seed:              c.seed,
		DeliveryDelay:     awsemu.UniformDelay(c.deliveryMin, c.deliveryMax, c.seed),
		ClockOffset:       c.clockOffset,
		StrictTimeRange:   c.strictTimeRange,
	}
	members := c.memberAccounts()
	if members == nil {
		return opts
	}
	opts.Principals = awsemu.DefaultPrincipals()
	opts.Organization = make([]awsemu.OrgAccount, len(members))
	for i, a := range members {
		opts.Organization[i] = awsemu.OrgAccount{ID: a}
		maps.Copy(opts.Principals, awsemu.AccountPrincipals(a))
	}
	opts.Roles = awsemu.ReaderRoles(c.roleName, c.externalID, members...)
	return opts
}

// feedOptions is the live feed -live-rate asks for, over the seeding's streams.
func (c *config) feedOptions(delay func() time.Duration) lmemu.FeedOptions {
	return lmemu.FeedOptions{Accounts: c.fleetAccounts(), Regions: c.regions(),
		Sources: strings.Split(c.seedSource, ","), Rate: c.liveRate, DeliveryDelay: delay, Seed: c.seed,
		Lazy: c.lazyRecords}
}

// seedOptions is one seeding per account, region and event source asked for
// (-accounts, -seed-regions, -seed-source), each with its own seed so that event IDs
// differ.
func (c *config) seedOptions() []lmemu.SeedOptions {
	if c.seedEvents <= 0 {
		return nil
	}
	var out []lmemu.SeedOptions
	for _, account := range c.fleetAccounts() {
		for _, region := range c.regions() {
			for _, source := range strings.Split(c.seedSource, ",") {
				out = append(out, lmemu.SeedOptions{Events: c.seedEvents, Span: c.seedSpan, EventSource: source,
					Account: account, Region: region, Seed: c.seed + uint64(len(out)), End: time.Now().Add(c.clockOffset),
					Lazy: c.lazyRecords})
			}
		}
	}
	return out
}
