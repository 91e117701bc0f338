// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package checkpoint

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// ceilingState is a stream at LookupEvents' ceiling: 100 events/s with max_event_delay
// 15m keeps 90,000 seen IDs (CloudTrail event IDs are UUIDs, event times whole seconds).
func ceilingState() State {
	settled := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	st := State{Settled: settled, Head: settled.Add(15 * time.Minute), Seen: make(map[string]time.Time, 90_000)}
	for i := range 90_000 {
		id := fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(i*2654435761), i%0xffff, i%0xfff, 0x8000|i%0x3fff, uint64(i)*0x9e3779b9)
		st.Seen[id] = settled.Add(time.Duration(i/100) * time.Second)
	}
	return st
}

// discardClient is a storage client that keeps only the size of the last write.
type discardClient struct{ last int }

func (c *discardClient) Get(context.Context, string) ([]byte, error) { return nil, nil }
func (c *discardClient) Set(_ context.Context, _ string, v []byte) error {
	c.last = len(v)
	return nil
}
func (c *discardClient) Delete(context.Context, string) error               { return nil }
func (c *discardClient) Batch(context.Context, ...*storage.Operation) error { return nil }
func (c *discardClient) Close(context.Context) error                        { return nil }

// BenchmarkCheckpointSave is what a stream at the ceiling does per slice: add the IDs
// of one more second (100), move settled by a second and prune, and write the checkpoint
// (encoding plus the storage call). bytes/save is the size written.
func BenchmarkCheckpointSave(b *testing.B) {
	benchSave(b, true)
}

// BenchmarkCheckpointSaveFull writes a state whose encoding was not kept up to date
// (the first save after a start): every ID is encoded.
func BenchmarkCheckpointSaveFull(b *testing.B) {
	benchSave(b, false)
}

func benchSave(b *testing.B, incremental bool) {
	st := ceilingState()
	if incremental {
		seen := st.Seen
		st.Seen = nil
		for id, t := range seen {
			st.Add(id, t)
		}
	}
	client := &discardClient{}
	store := NewStorageStore(client)
	ctx := context.Background()
	next := 90_000
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		if incremental {
			for range 100 {
				st.Add(fmt.Sprintf("%08x-0000-4000-8000-%012x", next, next), st.Head)
				next++
			}
			st.Settled, st.Head = st.Settled.Add(time.Second), st.Head.Add(time.Second)
			st.Prune()
		}
		if err := store.Save(ctx, "k", st); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(client.last), "bytes/save")
	// CPU time of the process (GC included) per save: on a shared machine the wall time
	// per op includes waiting for a core.
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/save")
}

// BenchmarkCheckpointLoad decodes the same checkpoint (once per process start).
func BenchmarkCheckpointLoad(b *testing.B) {
	blob, err := Marshal(ceilingState())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unmarshal(blob); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeenAddPrune is a stream's seen set per slice: steady adds 100 IDs and prunes
// 100; burst does the same but every 50th slice is a catch-up one of 5,000 IDs.
func BenchmarkSeenAddPrune(b *testing.B) {
	for _, burst := range []bool{false, true} {
		name := "steady"
		if burst {
			name = "burst"
		}
		b.Run(name, func(b *testing.B) {
			ids := make([]string, 1<<16)
			for i := range ids {
				ids[i] = testUUID(uint64(i))
			}
			base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
			st := State{Settled: base, Head: base}
			next, slice := 0, 0
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				n := 100
				if burst && slice%50 == 0 {
					n = 5000
				}
				slice++
				for range n {
					st.Add(ids[next%len(ids)], st.Head)
					next++
				}
				st.Settled, st.Head = st.Head, st.Head.Add(time.Second)
				st.Prune()
			}
			// CPU time of the process per slice (GC included): the wall time on a shared
			// machine includes waiting for a core.
			b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/slice")
		})
	}
}

// testUUID is a canonical lower-case UUID made from i.
func testUUID(i uint64) string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(i*2654435761), i&0xffff, i&0xfff, (i>>12)&0xfff, i*0x9e3779b9&0xffffffffffff)
}

// processCPU is the user and system CPU time the process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
