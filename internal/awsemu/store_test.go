// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomEvents returns n events with colliding timestamps, in random order.
func randomEvents(rng *rand.Rand, n int, account string) []Event {
	evs := make([]Event, n)
	for i := range evs {
		evs[i] = Event{Account: account, Region: "us-east-1",
			EventID:   fmt.Sprintf("id-%08d", rng.IntN(1_000_000_000)),
			EventTime: t0.Add(-time.Duration(rng.IntN(500)) * time.Second)}
	}
	return evs
}

func requireNewestFirst(t *testing.T, s *Store, account string, want int) {
	t.Helper()
	s.Snapshot(account, "us-east-1", func(list []*Event) {
		require.Len(t, list, want)
		require.True(t, slices.IsSortedFunc(list, compareNewestFirst), "newest first, then EventID descending")
	})
}

func TestStoreAddKeepsOrderForSmallAndLargeBatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := NewStore()
	total := 0
	for _, n := range []int{1, 3, 16, 17, 1000, 2, 5000, 1} {
		s.Add(randomEvents(rng, n, "a")...)
		total += n
		requireNewestFirst(t, s, "a", total)
	}
	s.Add(randomEvents(rng, 10, "b")...)
	requireNewestFirst(t, s, "b", 10)
	assert.Equal(t, total, s.Len("a", "us-east-1"))
	assert.Equal(t, 0, s.Len("a", "eu-west-1"))
	s.Reset()
	assert.Equal(t, 0, s.Len("a", "us-east-1"))
}

func TestStoreAddCopiesEvents(t *testing.T) {
	s := NewStore()
	evs := []Event{{Account: "a", Region: "us-east-1", EventID: "x", EventTime: t0}}
	s.Add(evs...)
	evs[0].EventID = "changed"
	s.Snapshot("a", "us-east-1", func(list []*Event) { assert.Equal(t, "x", list[0].EventID) })
}

func TestStoreBulkSeedingIsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a million events")
	}
	const n = 1_000_000
	evs := make([]Event, n)
	for i := range evs { // oldest first, the order a generator naturally produces
		evs[i] = Event{Account: "a", Region: "us-east-1", EventID: fmt.Sprintf("%08d", i),
			EventTime: t0.Add(time.Duration(i-n) * time.Second)}
	}
	s := NewStore()
	for chunk := range slices.Chunk(evs, 100_000) {
		s.Add(chunk...)
	}
	requireNewestFirst(t, s, "a", n)
}

func BenchmarkStoreAddBulk(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	evs := randomEvents(rng, 100_000, "a")
	for b.Loop() {
		NewStore().Add(evs...)
	}
}

func BenchmarkStoreAddOneByOne(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	evs := randomEvents(rng, 10_000, "a")
	for b.Loop() {
		s := NewStore()
		for i := range evs {
			s.Add(evs[i])
		}
	}
}

func TestStoreAddNewerAndOlderBatchesAndSingles(t *testing.T) {
	s := NewStore()
	mk := func(from, n int) []Event { // n events, seconds from..from+n-1, oldest first
		evs := make([]Event, n)
		for i := range evs {
			evs[i] = Event{Account: "a", Region: "us-east-1", EventID: fmt.Sprintf("%06d", from+i),
				EventTime: t0.Add(time.Duration(from+i) * time.Second)}
		}
		return evs
	}
	s.Add(mk(1000, 100)...) // first batch
	s.Add(mk(1100, 50)...)  // newer batch: prepended
	s.Add(mk(900, 100)...)  // older batch: appended
	for i := range 40 {     // newer singles, older singles, middle singles
		s.Add(mk(1150+i, 1)...)
		s.Add(mk(899-i, 1)...)
		s.Add(Event{Account: "a", Region: "us-east-1", EventID: fmt.Sprintf("m%03d", i),
			EventTime: t0.Add(time.Duration(1000+2*i) * time.Second)})
	}
	s.Add(mk(950, 100)...) // overlapping batch: merged, duplicates of keys kept
	requireNewestFirst(t, s, "a", 100+50+100+3*40+100)
}
