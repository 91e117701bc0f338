// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
)

// propertySeeds is how many random histories TestStreamProperty plays: POLL_PROPERTY_SEEDS
// overrides it (make fuzz runs more, and FuzzStreamPages any number).
func propertySeeds(t testing.TB) int {
	if v := os.Getenv("POLL_PROPERTY_SEEDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("POLL_PROPERTY_SEEDS=%q: %v", v, err)
		}
		return n
	}
	if testing.Short() {
		return 30
	}
	return 100
}

// TestStreamProperty plays random histories against a stream: random page shapes (empty
// pages with tokens, short pages, the same event on two pages), bursts of hundreds of
// events in one second across pages, ties on eventTime, events that become visible up to
// ten minutes late, random slice limits and poll intervals. Every visible event must be
// emitted exactly once, every batch oldest first, and, when nothing is late, the whole
// output oldest first.
func TestStreamProperty(t *testing.T) {
	n := propertySeeds(t)
	for seed := range uint64(n) {
		if msg := playHistory(seed); msg != "" {
			t.Fatalf("seed %d: %s (replay: go test -run 'FuzzStreamPages/...' or playHistory(%d))", seed, msg, seed)
		}
	}
}

// FuzzStreamPages is TestStreamProperty driven by the fuzzer's seeds.
func FuzzStreamPages(f *testing.F) {
	for seed := range uint64(8) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		if msg := playHistory(seed); msg != "" {
			t.Fatal(msg)
		}
	})
}

// orderCheck records every batch and checks that each is sorted oldest first.
type orderCheck struct {
	ids     []string
	times   []time.Time
	unorder string
}

func (o *orderCheck) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (o *orderCheck) ConsumeLogs(_ context.Context, ld plog.Logs) error {
	var prev time.Time
	var prevID string
	forEachRecord(ld, func(lr plog.LogRecord) {
		v, _ := lr.Attributes().Get("aws.cloudtrail.event_id")
		at := lr.Timestamp().AsTime()
		if (at.Before(prev) || (at.Equal(prev) && v.Str() < prevID)) && o.unorder == "" {
			o.unorder = fmt.Sprintf("batch not oldest first: %s at %s after %s at %s", v.Str(), at, prevID, prev)
		}
		prev, prevID = at, v.Str()
		o.ids = append(o.ids, v.Str())
		o.times = append(o.times, at)
	})
	return nil
}

// playHistory runs one random history; it returns what went wrong, or "".
func playHistory(seed uint64) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("panic: %v", r)
		}
	}()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	clock := newFakeClock(t0)
	src := &fakeSource{
		rng: rng, now: clock.Now,
		emptyPage: rng.Float64() * 0.3, shortPage: rng.Float64() * 0.4, repeatLast: rng.Float64() * 0.3,
		serverTime: rng.IntN(2) == 0,
	}
	late := rng.IntN(2) == 0
	want := map[string]bool{}
	nEvents := rng.IntN(400)
	for i := 0; i < nEvents; {
		at := t0.Add(time.Duration(rng.IntN(3600)-1800) * time.Second)
		burst := 1
		if rng.IntN(10) == 0 {
			burst = 1 + rng.IntN(300) // hundreds in one second: ties across pages
		}
		for range burst {
			id := fakeUUID(rng.Uint64())
			var delay time.Duration
			if late {
				delay = time.Duration(rng.IntN(600)) * time.Second
			}
			src.add(fakeEvent{ev: fakeRecord(id, "GetAnomalyGroup", at, false), visibleAt: at.Add(delay)})
			want[id] = true
			i++
		}
	}
	maxEvents := 20 + rng.IntN(300)
	set := Settings{
		Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: t0.Add(-time.Hour),
		InitialSlice: time.Duration(1+rng.IntN(120)) * time.Minute, MinSlice: time.Second,
		MaxEvents: maxEvents, TargetEvents: max(1, maxEvents/2), MaxOverlapEvents: 1 + rng.IntN(500),
		ReadAgainOnSplit: rng.IntN(2) == 0,
	}
	sink := &orderCheck{}
	s := NewStream(set, Deps{Source: src, Next: sink, Store: checkpoint.NewMemoryStore(), Now: clock.Now})
	for clock.Now().Before(t0.Add(50 * time.Minute)) {
		clock.Advance(time.Duration(30+rng.IntN(300)) * time.Second)
		if err := s.Poll(context.Background()); err != nil {
			return fmt.Sprintf("poll at %s: %v", clock.Now(), err)
		}
		if sink.unorder != "" {
			return sink.unorder
		}
	}
	got := map[string]int{}
	for _, id := range sink.ids {
		got[id]++
		if got[id] > 1 {
			return fmt.Sprintf("event %s emitted %d times", id, got[id])
		}
		if !want[id] {
			return fmt.Sprintf("event %s emitted but never stored", id)
		}
	}
	if len(got) != len(want) {
		return fmt.Sprintf("%d of %d events emitted", len(got), len(want))
	}
	if !late {
		for i := 1; i < len(sink.times); i++ {
			if sink.times[i].Before(sink.times[i-1]) {
				return fmt.Sprintf("output not oldest first at %d: %s after %s", i, sink.times[i], sink.times[i-1])
			}
		}
	}
	return ""
}
