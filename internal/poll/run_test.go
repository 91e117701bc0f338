// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// slowSource takes step of the clock for every request, and fails while failing is set.
type slowSource struct {
	clock   *fakeClock
	step    time.Duration
	failing bool
}

func (s *slowSource) Lookup(context.Context, cloudtrail.Query, string) (cloudtrail.Page, error) {
	s.clock.Advance(s.step)
	if s.failing {
		return cloudtrail.Page{}, errors.New("server error")
	}
	return cloudtrail.Page{}, nil
}

// runWaits runs a stream over src and returns the waits Run asked for after its first n
// polls, each with the time the poll before it took.
func runWaits(t *testing.T, src *slowSource, interval time.Duration, n int) (waits, took []time.Duration) {
	t.Helper()
	set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: time.Minute, Start: src.clock.Now().Add(-time.Hour)}
	s := NewStream(set, Deps{Source: src, Next: new(consumertest.LogsSink), Store: checkpoint.NewMemoryStore(), Now: src.clock.Now})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	began := src.clock.Now()
	done := make(chan struct{})
	after := func(d time.Duration) <-chan time.Time {
		waits, took = append(waits, d), append(took, src.clock.Now().Sub(began))
		if len(waits) == n {
			cancel()
			return nil
		}
		src.clock.Advance(d)
		began = src.clock.Now()
		ch := make(chan time.Time, 1)
		ch <- began
		return ch
	}
	go func() { defer close(done); s.Run(ctx, interval, after, func(error) {}) }()
	<-done
	require.Len(t, waits, n)
	return waits, took
}

// A successful poll's time is taken off the wait, so polls start every poll_interval and
// an event waits at most that long for the poll that reads it.
func TestPollsStartEveryInterval(t *testing.T) {
	src := &slowSource{clock: newFakeClock(t0), step: 3 * time.Second}
	waits, took := runWaits(t, src, 30*time.Second, 3)
	for i := range waits {
		require.Positive(t, took[i], "the polls take time")
		assert.Equal(t, 30*time.Second, waits[i]+took[i], "poll %d: wait + poll = interval", i)
	}
}

func TestPollLongerThanIntervalIsFollowedAtOnce(t *testing.T) {
	src := &slowSource{clock: newFakeClock(t0), step: 40 * time.Second}
	waits, _ := runWaits(t, src, 30*time.Second, 2)
	assert.Equal(t, []time.Duration{0, 0}, waits)
}

// A failed poll waits its backoff in full: the retry schedule is not shortened.
func TestFailedPollWaitsItsBackoff(t *testing.T) {
	src := &slowSource{clock: newFakeClock(t0), step: 3 * time.Second, failing: true}
	waits, _ := runWaits(t, src, 30*time.Second, 1)
	want := RetryDelay(30*time.Second, 1, errors.New("server error"))
	assert.InDelta(t, float64(want), float64(waits[0]), float64(want)/2, "the jittered backoff, not shortened by the poll's time")
	assert.Positive(t, waits[0])
}
