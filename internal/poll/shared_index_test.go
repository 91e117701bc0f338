// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
)

type setIndex struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (x *setIndex) Contains(id string) bool { x.mu.Lock(); defer x.mu.Unlock(); return x.ids[id] }
func (x *setIndex) Add(ids ...string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range ids {
		x.ids[id] = true
	}
}

// minutelySource holds n CreateAlert events, one a minute from ten minutes before t0;
// it returns their IDs oldest first. seed picks the page shapes.
func minutelySource(clock *fakeClock, seed uint64, n int) (*fakeSource, []string) {
	src := &fakeSource{rng: rand.New(rand.NewPCG(seed, seed+1)), now: clock.Now}
	ids := make([]string, n)
	for i := range n {
		e := fakeRecord(fakeUUID(uint64(i+1)), "CreateAlert", t0.Add(-time.Duration(10-i)*time.Minute), false)
		src.add(fakeEvent{ev: e})
		ids[i] = e.ID
	}
	return src, ids
}

// An event the SQS input already emitted (EventBridge saw the call first) is not emitted
// again by LookupEvents; what LookupEvents emits goes into the shared index, so the SQS
// input skips it in turn. A refused slice adds nothing.
func TestSharedIndexEmitsEachEventOnce(t *testing.T) {
	clock := newFakeClock(t0)
	src, all := minutelySource(clock, 3, 4)
	index := &setIndex{ids: map[string]bool{all[1]: true}}
	set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: t0.Add(-time.Hour)}
	metrics := &countMetrics{}

	refusing := consumertest.NewErr(assert.AnError)
	s := NewStream(set, Deps{Source: src, Next: refusing, Store: checkpoint.NewMemoryStore(), Metrics: metrics,
		Now: clock.Now, Emitted: index})
	require.Error(t, s.Poll(context.Background()))
	assert.Equal(t, map[string]bool{all[1]: true}, index.ids, "nothing refused enters the index")

	sink := new(consumertest.LogsSink)
	s = NewStream(set, Deps{Source: src, Next: sink, Store: checkpoint.NewMemoryStore(), Metrics: metrics,
		Now: clock.Now, Emitted: index})
	require.NoError(t, s.Poll(context.Background()))
	assert.Equal(t, []string{all[0], all[2], all[3]}, emittedIDs(sink))
	for _, id := range all {
		assert.True(t, index.Contains(id), "%s is in the shared index", id)
	}
	_, dups, _ := metrics.get()
	assert.GreaterOrEqual(t, dups, 1, "the event the other input emitted counts as a duplicate")
}

// An event the pipeline refused for good was not emitted: it stays out of the shared
// index, so the other input (a trail file, EventBridge) still emits it.
func TestSharedIndexLeavesPermanentlyRefusedEventsOut(t *testing.T) {
	clock := newFakeClock(t0)
	src, all := minutelySource(clock, 5, 6)
	index := &setIndex{ids: map[string]bool{}}
	set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: t0.Add(-time.Hour)}
	sink := new(consumertest.LogsSink)
	cons := &poisonConsumer{next: sink, poisoned: map[string]bool{all[2]: true}}
	s := NewStream(set, Deps{Source: src, Next: cons, Store: checkpoint.NewMemoryStore(), Metrics: &countMetrics{},
		Now: clock.Now, Emitted: index})
	require.NoError(t, s.Poll(context.Background()))
	require.Len(t, emittedIDs(sink), 5)
	assert.False(t, index.Contains(all[2]), "the refused event is not in the index")
	for _, id := range slices.Delete(slices.Clone(all), 2, 3) {
		assert.True(t, index.Contains(id), "%s is in the shared index", id)
	}
}
