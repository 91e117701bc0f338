// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// FeedOptions configures Feed.
type FeedOptions struct {
	// Accounts, Regions and Sources span the streams fed: every combination gets Rate
	// events per second. Defaults: awsemu.DefaultAccountID, "us-east-1",
	// awsemu.LookoutMetricsEventSource.
	Accounts, Regions, Sources []string
	// Rate is the number of events per second of each account-region-source; a
	// fraction carries over to later ticks. Required (> 0).
	Rate float64
	// DeliveryDelay returns, per event, how long after its eventTime it becomes
	// visible. Default: at once.
	DeliveryDelay func() time.Duration
	// Seed makes the events reproducible.
	Seed uint64
	// Clock is the time of the events, on the emulator's clock. Default time.Now.
	Clock func() time.Time
	// Ticks paces the feed. Default: a one-second ticker.
	Ticks <-chan time.Time
	// Start is where the fed span begins. Default: Clock() when Feed starts.
	Start time.Time
	// Lazy adds awsemu.NewLazyRecord events (see SeedOptions.Lazy).
	Lazy bool
}

// feedStream is one account-region-source being fed.
type feedStream struct {
	gen   *seedGen
	rng   *rand.Rand
	carry float64
}

// Feed writes live Lookout for Metrics-shaped events (as SeedLookoutMetrics builds
// them) straight into st until ctx is done, without any API call: on every tick, each
// account-region-source gets the events due since the last tick, their eventTimes
// spread over that interval. It is the cheap live workload of a large fleet (850
// account-regions at 1 event/s cost the emulator no HTTP). It returns the number of
// events added.
func Feed(ctx context.Context, st *awsemu.Store, opts FeedOptions) int {
	opts = feedDefaults(opts)
	if opts.Rate <= 0 {
		return 0
	}
	if opts.Ticks == nil {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		opts.Ticks = t.C
	}
	var streams []*feedStream
	for _, a := range opts.Accounts {
		for _, r := range opts.Regions {
			for _, src := range opts.Sources {
				seed := opts.Seed + uint64(len(streams))
				streams = append(streams, &feedStream{
					gen: newSeedGen(seedDefaults(SeedOptions{Account: a, Region: r, EventSource: src, Seed: seed, Lazy: opts.Lazy})),
					rng: rand.New(rand.NewPCG(seed, 0x5eed))})
			}
		}
	}
	last, n := opts.Start, 0
	for {
		select {
		case <-ctx.Done():
			return n
		case <-opts.Ticks:
		}
		now := opts.Clock()
		span := now.Sub(last)
		if span <= 0 {
			continue
		}
		var batch []awsemu.Event
		for _, s := range streams {
			batch = s.due(batch, last, span, opts)
		}
		st.Add(batch...)
		n += len(batch)
		last = now
	}
}

// due appends the stream's events of (from, from+span].
func (s *feedStream) due(batch []awsemu.Event, from time.Time, span time.Duration, opts FeedOptions) []awsemu.Event {
	s.carry += opts.Rate * span.Seconds()
	k := int(s.carry)
	s.carry -= float64(k)
	for i := range k {
		at := from.Add(time.Duration((float64(i) + s.rng.Float64()) / float64(k) * float64(span)))
		ev := s.gen.event(s.rng, at)
		if opts.DeliveryDelay != nil {
			ev.VisibleAt = ev.EventTime.Add(opts.DeliveryDelay())
		}
		batch = append(batch, ev)
	}
	return batch
}

func feedDefaults(o FeedOptions) FeedOptions {
	if len(o.Accounts) == 0 {
		o.Accounts = []string{awsemu.DefaultAccountID}
	}
	if len(o.Regions) == 0 {
		o.Regions = []string{"us-east-1"}
	}
	if len(o.Sources) == 0 {
		o.Sources = []string{awsemu.LookoutMetricsEventSource}
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Start.IsZero() {
		o.Start = o.Clock()
	}
	return o
}
