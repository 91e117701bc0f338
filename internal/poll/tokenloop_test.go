// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// loopSource answers every page with the same events and the same NextToken: a server
// (or a proxy) whose pagination never ends.
type loopSource struct {
	page  cloudtrail.Page
	calls int
	limit int
}

func (l *loopSource) Lookup(ctx context.Context, _ cloudtrail.Query, _ string) (cloudtrail.Page, error) {
	l.calls++
	if l.calls > l.limit {
		return cloudtrail.Page{}, context.Canceled // the test's fuse: the stream never stopped asking
	}
	return l.page, nil
}

// A NextToken that comes back again is a loop: the poll fails (nothing advances) instead
// of asking forever and gathering the same events without bound.
func TestNextTokenLoopFailsThePoll(t *testing.T) {
	for name, evs := range map[string][]cloudtrail.Event{
		"empty pages": nil,
		"same event":  {fakeRecord(fakeUUID(1), "CreateAlert", t0.Add(-5*time.Minute), false)},
	} {
		t.Run(name, func(t *testing.T) {
			clock := newFakeClock(t0)
			src := &loopSource{page: cloudtrail.Page{Events: evs, NextToken: "same"}, limit: 10_000}
			sink := new(consumertest.LogsSink)
			store := checkpoint.NewMemoryStore()
			set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: t0.Add(-time.Hour)}
			s := NewStream(set, Deps{Source: src, Next: sink, Store: store, Now: clock.Now})
			err := s.Poll(context.Background())
			require.Error(t, err)
			assert.NotErrorIs(t, err, context.Canceled, "the stream stops on the loop, not on the fuse")
			assert.ErrorIs(t, err, ErrTokenLoop)
			assert.LessOrEqual(t, src.calls, maxTokenRepeats+2, "a loop is caught within a few pages (and the clock probe)")
			assert.Empty(t, emittedIDs(sink), "nothing of the looping slice is emitted")
			_, found, err := store.Load(context.Background(), set.CheckpointKey())
			require.NoError(t, err)
			assert.False(t, found, "nothing advances")
		})
	}
}
