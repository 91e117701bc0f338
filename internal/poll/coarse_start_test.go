// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// coarseSource answers as its Source with the query's StartTime cut down to res: the SDK
// sends StartTime to the millisecond, and CloudTrail's event times have a resolution of a
// second, so a server may well compare at a second.
type coarseSource struct {
	Source
	res time.Duration
}

func (c coarseSource) Lookup(ctx context.Context, q cloudtrail.Query, token string) (cloudtrail.Page, error) {
	q.Start = q.Start.Truncate(c.res)
	return c.Source.Lookup(ctx, q, token)
}

// The settled point is where the next poll's StartTime starts, and the seen IDs before it
// are dropped. If it falls inside a second (start_at is relative to the host clock, slices
// end anywhere, the host clock has nanoseconds), a server that reads StartTime at a
// coarser resolution returns again the events of that second that were already emitted
// and forgotten: duplicates at every slice boundary of a backfill.
func TestSettledPointSurvivesACoarseStartTime(t *testing.T) {
	for _, res := range []time.Duration{time.Millisecond, time.Second} {
		t.Run(res.String(), func(t *testing.T) {
			clock := newFakeClock(t0.Add(123456789 * time.Nanosecond))
			src := &fakeSource{rng: rand.New(rand.NewPCG(1, 2)), now: clock.Now}
			want := 0
			for at := t0.Add(-time.Hour + time.Second); at.Before(t0.Add(40 * time.Minute)); at = at.Add(time.Second) {
				src.add(fakeEvent{ev: fakeRecord(fakeUUID(uint64(want)), "GetAnomalyGroup", at, false), visibleAt: at})
				want++
			}
			set := Settings{
				Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute,
				Start:        clock.Now().Add(-time.Hour), // start_at "1h": inside a second
				InitialSlice: 7 * time.Minute, MinSlice: time.Second, MaxEvents: 200, TargetEvents: 100,
			}
			sink := &orderCheck{}
			m := &countMetrics{}
			s := NewStream(set, Deps{Source: coarseSource{src, res}, Next: sink, Store: checkpoint.NewMemoryStore(),
				Metrics: m, Now: clock.Now})
			for clock.Now().Before(t0.Add(40 * time.Minute)) {
				clock.Advance(30*time.Second + 777*time.Microsecond)
				require.NoError(t, s.Poll(context.Background()))
			}
			clock.Advance(20 * time.Minute)
			require.NoError(t, s.Poll(context.Background()))
			got := map[string]int{}
			dups := 0
			for _, id := range sink.ids {
				if got[id]++; got[id] > 1 {
					dups++
				}
			}
			assert.Zero(t, dups, "events emitted twice")
			assert.Equal(t, want, len(got), "every event since start_at emitted")
			assert.Empty(t, sink.unorder)
		})
	}
}
