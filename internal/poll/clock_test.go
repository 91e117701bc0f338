// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// lateHistory stores, on the server's clock, two events a minute from serverStart for
// span, each visible 8 minutes after its time (max_event_delay is 15 minutes).
func lateHistory(e *env, serverStart time.Time, span time.Duration) []awsemu.Event {
	var evs []awsemu.Event
	for at := serverStart; at.Before(serverStart.Add(span)); at = at.Add(30 * time.Second) {
		evs = append(evs, e.add(at, 8*time.Minute, "UpdateAlert"))
	}
	return evs
}

// The server's clock (and Date) runs ahead of or behind the host's: nothing is lost, the
// skew is exported and logged once.
func TestServerClockSkewLosesNothing(t *testing.T) {
	for _, off := range []time.Duration{10 * time.Minute, 20 * time.Minute, -10 * time.Minute, -20 * time.Minute} {
		t.Run(fmt.Sprintf("server%+v", off), func(t *testing.T) {
			e := newEnv(t, awsemu.Options{ClockOffset: off, StrictTimeRange: true})
			serverNow := func() time.Time { return e.clock.Now().Add(off) }
			set := e.settings()
			set.Start = serverNow().Add(-30 * time.Minute)
			evs := lateHistory(e, serverNow().Add(-30*time.Minute), 90*time.Minute)
			core, logs := observer.New(zapcore.WarnLevel)
			s := NewStream(set, Deps{Source: e.client, Next: e.sink, Store: e.store, Metrics: e.metrics,
				Logger: zap.New(core), Now: e.clock.Now})
			for range 120 { // two hours of one-minute polls
				e.clock.Advance(time.Minute)
				e.poll(s)
			}
			assert.ElementsMatch(t, ids(evs), emittedIDs(e.sink), "0 lost, 0 duplicated")
			skew, ok := s.ClockSkew()
			require.True(t, ok)
			assert.InDelta(t, off.Seconds(), skew.Seconds(), 1, "the gauge's value")
			assert.Len(t, logs.FilterMessageSnippet("Host clock differs").All(), 1, "logged once")
			lag, ok := s.Lag()
			require.True(t, ok)
			assert.Less(t, lag, 2*time.Minute, "lag is measured on the server's clock")
		})
	}
}

// The host clock jumps an hour forward for one poll, then comes back.
func TestHostClockJumpLosesNothing(t *testing.T) {
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprintf("strict=%t", strict), func(t *testing.T) {
			e := newEnv(t, awsemu.Options{StrictTimeRange: strict})
			set := e.settings()
			set.Start = t0.Add(-30 * time.Minute)
			evs := lateHistory(e, t0.Add(-30*time.Minute), 90*time.Minute)
			src := &rangeSource{Source: e.client, serverNow: e.clock.Now}
			var jump time.Duration // the host's clock is the server's plus jump
			hostNow := func() time.Time { return e.clock.Now().Add(jump) }
			s := NewStream(set, Deps{Source: src, Next: e.sink, Store: e.store, Now: hostNow})
			for i := range 120 {
				e.clock.Advance(time.Minute)
				jump = 0
				if i == 40 {
					jump = time.Hour
				}
				e.poll(s)
			}
			assert.ElementsMatch(t, ids(evs), emittedIDs(e.sink), "0 lost, 0 duplicated")
			st, _, err := e.store.Load(context.Background(), set.CheckpointKey())
			require.NoError(t, err)
			assert.False(t, st.Settled.After(e.clock.Now().Add(-set.MaxEventDelay)), "settled never passes server now - max_event_delay")
			assert.False(t, st.Head.After(e.clock.Now()))
			if strict {
				assert.Positive(t, src.futureEnds, "the jumped poll asked past the server's now once, and was refused")
				assert.Positive(t, e.srv.Stats().ClientErrors)
			}
		})
	}
}

// rangeSource counts queries that reach past the server's clock.
type rangeSource struct {
	Source
	serverNow  func() time.Time
	futureEnds int
	calls      int
}

func (r *rangeSource) Lookup(ctx context.Context, q cloudtrail.Query, token string) (cloudtrail.Page, error) {
	r.calls++
	if q.End.After(r.serverNow()) {
		r.futureEnds++
	}
	return r.Source.Lookup(ctx, q, token)
}

func ids(evs []awsemu.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.EventID
	}
	return out
}

// A checkpoint written by a host whose clock ran two hours ahead: the stream reads the gap
// again instead of asking for a range that starts after now.
func TestCheckpointAheadOfServerIsPulledBack(t *testing.T) {
	e := newEnv(t, awsemu.Options{StrictTimeRange: true})
	set := e.settings()
	ahead := t0.Add(2 * time.Hour)
	require.NoError(t, e.store.Save(context.Background(), set.CheckpointKey(),
		checkpoint.State{Settled: ahead, Head: ahead, Seen: map[string]time.Time{}}))
	evs := []awsemu.Event{e.add(t0.Add(-10*time.Minute), 0, "CreateAlert"), e.add(t0.Add(-5*time.Minute), 0, "DeleteAlert")}
	s := e.stream(set)
	e.clock.Advance(time.Minute)
	e.poll(s)
	assert.Equal(t, idsOldestFirst(evs), emittedIDs(e.sink))
}

// A host clock 20 minutes behind the server's decided the retention cut-off: with a
// checkpoint older than 90 days the oldest query reached past the server's history,
// and a server that refuses that range refused it forever.
func TestRetentionCutOffFollowsServerClock(t *testing.T) {
	e := newEnv(t, awsemu.Options{ClockOffset: 20 * time.Minute, StrictTimeRange: true})
	set := e.settings()
	set.Start = t0.Add(-100 * 24 * time.Hour)
	ev := e.add(t0.Add(-89*24*time.Hour), 0, "CreateAlert")
	src := &rangeSource{Source: e.client, serverNow: func() time.Time { return e.clock.Now().Add(20 * time.Minute) }}
	s := NewStream(set, Deps{Source: src, Next: e.sink, Store: e.store, Now: e.clock.Now})
	e.poll(s)
	assert.Equal(t, []string{ev.EventID}, emittedIDs(e.sink))
	assert.Zero(t, e.srv.Stats().ClientErrors, "every query fits the server's range")
}

// refuseRange answers every query with InvalidTimeRangeException.
type refuseRange struct{ calls int }

func (r *refuseRange) Lookup(context.Context, cloudtrail.Query, string) (cloudtrail.Page, error) {
	r.calls++
	return cloudtrail.Page{}, &smithy.GenericAPIError{Code: "InvalidTimeRangeException", Message: "no"}
}

// A server that refuses every range makes the poll fail after a bounded number of
// narrowed attempts: never a loop.
func TestInvalidTimeRangeNeverLoops(t *testing.T) {
	clock := newFakeClock(t0)
	src := &refuseRange{}
	set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: t0.Add(-time.Hour)}
	s := NewStream(set, Deps{Source: src, Next: nil, Store: checkpoint.NewMemoryStore(), Now: clock.Now})
	err := s.Poll(context.Background())
	require.Error(t, err)
	assert.True(t, cloudtrail.IsInvalidTimeRange(err))
	assert.Equal(t, 1+1+maxNarrowings, src.calls, "the clock probe, then the slice and its narrowings")
}
