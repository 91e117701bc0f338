// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"encoding/binary"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// SeedOptions configures SeedLookoutMetrics.
type SeedOptions struct {
	// Events is the number of events to add.
	Events int
	// End is the time of the newest events; they spread over (End-Span, End].
	// Defaults: time.Now() and 24h.
	End  time.Time
	Span time.Duration
	// Account and Region of the events. Defaults DefaultAccountID and "us-east-1".
	Account string
	Region  string
	// EventSource of the events. Default LookoutMetricsEventSource.
	EventSource string
	// Principals are the callers. Default DefaultPrincipals(); DeniedAccessKeyID's
	// calls are all AccessDenied.
	Principals map[string]awsemu.Principal
	// DeliveryDelay makes events visible this long after their eventTime. Default 0:
	// every event is visible at once.
	DeliveryDelay time.Duration
	// Seed makes the events reproducible (IDs included).
	Seed uint64
	// BatchSize is the number of events per Store.Add. Default 100000.
	BatchSize int
	// Lazy adds awsemu.NewLazyRecord events: the records' JSON is built only when
	// LookupEvents returns them, for about 40% of the memory (millions of events).
	Lazy bool
}

// SeedLookoutMetrics adds opts.Events realistic Lookout for Metrics CloudTrail records
// (eventVersion 1.08, built by NewRecord) to st, spread evenly with jitter over the
// span: the operation mix of a busy account (three quarters reads), all 30
// operations on a pool of detectors, several principals and identity types, and
// about 3% failed calls. Batches are built on every CPU and added in large batches,
// so a million events take seconds. It returns the number of events added.
func SeedLookoutMetrics(st *awsemu.Store, opts SeedOptions) int {
	opts = seedDefaults(opts)
	if opts.Events <= 0 {
		return 0
	}
	g := newSeedGen(opts)
	batches := (opts.Events + opts.BatchSize - 1) / opts.BatchSize
	jobs := make(chan int)
	built := make(chan []awsemu.Event, 2)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), batches) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				built <- g.batch(b)
			}
		}()
	}
	go func() {
		for b := range batches {
			jobs <- b
		}
		close(jobs)
		wg.Wait()
		close(built)
	}()
	n := 0
	for evs := range built {
		st.Add(evs...)
		n += len(evs)
	}
	return n
}

func seedDefaults(o SeedOptions) SeedOptions {
	if o.End.IsZero() {
		o.End = time.Now()
	}
	if o.Span <= 0 {
		o.Span = 24 * time.Hour
	}
	if o.Account == "" {
		o.Account = awsemu.DefaultAccountID
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.EventSource == "" {
		o.EventSource = awsemu.LookoutMetricsEventSource
	}
	if o.Principals == nil {
		o.Principals = awsemu.DefaultPrincipals()
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 100_000
	}
	return o
}

// seedGen builds batches of events; it is read-only once made, so batches can be
// built concurrently.
type seedGen struct {
	opts   SeedOptions
	ops    []seedOp // cumulative weights
	total  int
	keys   []string
	calls  map[string][]seedCall // by operation: one per pool detector
	agents []string
	ips    []string
}

// batch builds batch b: events b*BatchSize... in time order, from a source seeded by
// (Seed, b), so the result does not depend on scheduling.
func (g *seedGen) batch(b int) []awsemu.Event {
	rng := rand.New(rand.NewPCG(g.opts.Seed, uint64(b)+1))
	first := b * g.opts.BatchSize
	n := min(g.opts.BatchSize, g.opts.Events-first)
	step := float64(g.opts.Span) / float64(g.opts.Events)
	start := g.opts.End.Add(-g.opts.Span)
	out := make([]awsemu.Event, n)
	for j := range out {
		at := start.Add(time.Duration((float64(first+j) + rng.Float64()) * step))
		out[j] = g.event(rng, at)
	}
	return out
}

func (g *seedGen) event(rng *rand.Rand, at time.Time) awsemu.Event {
	op := g.pick(rng)
	calls := g.calls[op.name]
	call := calls[rng.IntN(len(calls))]
	key := g.keys[rng.IntN(len(g.keys))]
	spec := awsemu.RecordSpec{Account: g.opts.Account, Region: g.opts.Region, EventName: op.name,
		EventSource: g.opts.EventSource, EventTime: at, ReadOnly: op.readOnly,
		EventVersion: lookoutMetricsEventVersion, EventID: rngUUID(rng), RequestID: rngUUID(rng),
		SourceIPAddress: g.ips[rng.IntN(len(g.ips))], UserAgent: g.agents[rng.IntN(len(g.agents))],
		RequestParametersJSON: call.params, Resources: call.resources, DeliveryDelay: g.opts.DeliveryDelay}
	g.opts.Principals[key].Apply(&spec, key)
	if spec.IdentityType == "" {
		spec.IdentityType = awsemu.IdentityIAMUser
	}
	switch roll := rng.Float64(); {
	case key == awsemu.DeniedAccessKeyID:
		spec.ErrorCode, spec.ErrorMessage = "AccessDenied", "User is not authorized to perform: lookoutmetrics:"+op.name
	case roll < 0.015:
		spec.ErrorCode, spec.ErrorMessage = "ResourceNotFoundException", "The specified resource does not exist."
	case roll < 0.025:
		spec.ErrorCode, spec.ErrorMessage = "ValidationException", "1 validation error detected"
	case roll < 0.03:
		spec.ErrorCode, spec.ErrorMessage = "TooManyRequestsException", "Rate exceeded"
	default:
		spec.ResponseElementsJSON = call.response
	}
	if g.opts.Lazy {
		return awsemu.NewLazyRecord(spec)
	}
	return awsemu.NewRecord(spec)
}

func (g *seedGen) pick(rng *rand.Rand) seedOp {
	w := rng.IntN(g.total)
	i, _ := slices.BinarySearchFunc(g.ops, w, func(op seedOp, w int) int {
		if op.upTo <= w {
			return -1
		}
		return 1
	})
	return g.ops[i]
}

// rngUUID returns a version 4 UUID from rng: fast, and reproducible by seed.
func rngUUID(rng *rand.Rand) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rng.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rng.Uint64())
	return formatUUID(b)
}

// principalKeys returns the keys of principals, each repeated by its weight: the
// denied key rarely, the others evenly.
func principalKeys(ps map[string]awsemu.Principal) []string {
	var keys []string
	for _, k := range slices.Sorted(maps.Keys(ps)) {
		n := 20
		if k == awsemu.DeniedAccessKeyID {
			n = 1
		}
		for range n {
			keys = append(keys, k)
		}
	}
	return keys
}
