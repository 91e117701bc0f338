// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"encoding/json"
	"runtime"
	"testing"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeedLookoutMetrics(t *testing.T) {
	h := newHarness(t, awsemu.Options{})
	n := SeedLookoutMetrics(h.srv.Store(), SeedOptions{Events: 20_000, End: t0, Span: 24 * time.Hour, Seed: 7,
		BatchSize: 3000})
	require.Equal(t, 20_000, n)
	all := h.srv.Store().All()
	require.Len(t, all, n)

	ops, identities, failed, size := map[string]bool{}, map[string]bool{}, 0, 0
	for i, ev := range all {
		require.False(t, ev.EventTime.After(t0))
		require.True(t, ev.EventTime.After(t0.Add(-24*time.Hour-time.Second)))
		require.False(t, ev.VisibleAt.After(ev.EventTime), "visible at once")
		if i > 0 {
			require.False(t, ev.EventTime.After(all[i-1].EventTime), "newest first")
		}
		ops[ev.EventName] = true
		size += len(ev.CloudTrailEvent)
		if i%97 != 0 {
			continue
		}
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(ev.CloudTrailEvent), &rec))
		assert.Equal(t, "1.08", rec["eventVersion"])
		assert.Equal(t, ev.RequestID, rec["requestID"])
		assert.Equal(t, ev.EventID, rec["eventID"])
		assert.Equal(t, isReadOnlyOperation(ev.EventName), rec["readOnly"])
		identities[rec["userIdentity"].(map[string]any)["type"].(string)] = true
		if rec["errorCode"] != nil {
			failed++
		}
	}
	assert.ElementsMatch(t, LookoutMetricsOperations(), keys(ops))
	assert.Equal(t, map[string]bool{"IAMUser": true, "AssumedRole": true, "Root": true}, identities)
	sampled := n/97 + 1
	assert.InDelta(t, 0.035, float64(failed)/float64(sampled), 0.025, "a few percent fail")
	assert.InDelta(t, 1300, size/n, 400, "CloudTrailEvent of 1-2 KB")

	out, err := lookup(t, h.client(testAKID), &cloudtrail.LookupEventsInput{
		LookupAttributes: attr(cttypes.LookupAttributeKeyEventSource, awsemu.LookoutMetricsEventSource)})
	require.NoError(t, err)
	require.Len(t, out.Events, 50)
	assert.Equal(t, all[0].EventID, aws.ToString(out.Events[0].EventId))
}

func TestSeedIsReproducibleAndHonoursDelay(t *testing.T) {
	a, b := awsemu.NewStore(), awsemu.NewStore()
	opts := SeedOptions{Events: 500, End: t0, Span: time.Hour, Seed: 3, DeliveryDelay: 10 * time.Minute,
		Account: "111122223333", Region: "eu-west-1"}
	SeedLookoutMetrics(a, opts)
	SeedLookoutMetrics(b, opts)
	require.Equal(t, a.All(), b.All())
	assert.Equal(t, 500, a.Len("111122223333", "eu-west-1"))
	streams := a.Streams(t0)
	require.Len(t, streams, 1)
	assert.InDelta(t, 500*50/60, streams[0].Visible, 25, "the last 10 minutes are not delivered yet")
	assert.Zero(t, SeedLookoutMetrics(a, SeedOptions{}))
}

func TestSeedAMillionEvents(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("a million events: skipped under -short and -race")
	}
	st := awsemu.NewStore()
	start := time.Now()
	n := SeedLookoutMetrics(st, SeedOptions{Events: 1_000_000, End: t0, Seed: 1})
	elapsed := time.Since(start)
	require.Equal(t, 1_000_000, n)
	assert.Equal(t, n, st.Len(awsemu.DefaultAccountID, "us-east-1"))
	assert.Less(t, elapsed, 45*time.Second)
	t.Logf("seeded %d events in %v", n, elapsed)
}

func BenchmarkSeedLookoutMetrics(b *testing.B) {
	for b.Loop() {
		SeedLookoutMetrics(awsemu.NewStore(), SeedOptions{Events: 100_000, End: t0, Seed: 1})
	}
}

// Lazy seeding holds the same events, records included, in well under half the memory.
func TestLazySeedIsTheSameInLessMemory(t *testing.T) {
	opts := SeedOptions{Events: 20_000, End: t0, Span: time.Hour, Seed: 5}
	heap := func(seed func() *awsemu.Store) (*awsemu.Store, uint64) {
		var a, b runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&a)
		st := seed()
		runtime.GC()
		runtime.ReadMemStats(&b)
		return st, b.HeapAlloc - min(a.HeapAlloc, b.HeapAlloc)
	}
	eager, eagerBytes := heap(func() *awsemu.Store { st := awsemu.NewStore(); SeedLookoutMetrics(st, opts); return st })
	opts.Lazy = true
	lazy, lazyBytes := heap(func() *awsemu.Store { st := awsemu.NewStore(); SeedLookoutMetrics(st, opts); return st })
	e, l := eager.All(), lazy.All()
	require.Len(t, l, len(e))
	for i := range e {
		require.Empty(t, l[i].CloudTrailEvent)
		require.Equal(t, e[i].CloudTrailEvent, l[i].Record())
		require.Equal(t, e[i].EventID, l[i].EventID)
	}
	t.Logf("heap per event: %d B eager, %d B lazy", eagerBytes/20_000, lazyBytes/20_000)
	assert.Less(t, lazyBytes, eagerBytes/2)
	runtime.KeepAlive(eager)
}
