// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

const (
	acctA = "111111111111"
	acctB = "222222222222"
)

func TestFeedAddsLiveEventsPerAccountRegion(t *testing.T) {
	clock := &fakeClock{now: t0}
	st := awsemu.NewStore()
	ticks := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- Feed(ctx, st, FeedOptions{Accounts: []string{acctA, acctB}, Regions: []string{"us-east-1", "eu-west-1"},
			Rate: 2.5, Clock: clock.Now, Ticks: ticks, Seed: 7, Start: t0,
			DeliveryDelay: func() time.Duration { return 3 * time.Minute }})
	}()
	for range 4 {
		clock.Advance(time.Second)
		ticks <- clock.Now()
	}
	clock.Advance(time.Second)
	ticks <- clock.Now() // fifth tick: read only once Feed waits again
	cancel()
	n := <-done
	assert.Equal(t, 4*12, n, "2.5 events/s for 5 s: 12 or 13 a stream, the fraction carried")
	for _, a := range []string{acctA, acctB} {
		for _, r := range []string{"us-east-1", "eu-west-1"} {
			assert.Equal(t, 12, st.Len(a, r), a+" "+r)
			st.Snapshot(a, r, func(list []*awsemu.Event) {
				for _, ev := range list {
					assert.False(t, ev.EventTime.Before(t0), "eventTime within the fed span")
					assert.False(t, ev.EventTime.After(t0.Add(5*time.Second)))
					assert.Equal(t, ev.EventTime.Add(3*time.Minute), ev.VisibleAt)
					assert.Equal(t, awsemu.LookoutMetricsEventSource, ev.EventSource)
					assert.Contains(t, ev.CloudTrailEvent, `"recipientAccountId":"`+a+`"`)
				}
			})
		}
	}
	require.Empty(t, st.Len(awsemu.DefaultAccountID, "us-east-1"))
}

func TestFeedWithoutRateAddsNothing(t *testing.T) {
	assert.Zero(t, Feed(context.Background(), awsemu.NewStore(), FeedOptions{}))
}

// A lazy feed adds the same events as an eager one, records built on demand.
func TestLazyFeedAddsTheSameEvents(t *testing.T) {
	feed := func(lazy bool) []*awsemu.Event {
		st := awsemu.NewStore()
		ticks := make(chan time.Time)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() {
			done <- Feed(ctx, st, FeedOptions{Rate: 3, Clock: func() time.Time { return t0.Add(2 * time.Second) },
				Ticks: ticks, Seed: 7, Start: t0, Lazy: lazy})
		}()
		ticks <- t0 // one tick: the events of (t0, t0+2s]
		cancel()
		assert.Equal(t, 6, <-done)
		return st.All()
	}
	eager, lazy := feed(false), feed(true)
	require.Len(t, lazy, len(eager))
	for i := range eager {
		assert.Empty(t, lazy[i].CloudTrailEvent)
		assert.Equal(t, eager[i].CloudTrailEvent, lazy[i].Record())
	}
}
