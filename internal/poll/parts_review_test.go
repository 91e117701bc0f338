// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// moodyConsumer refuses for good every call that holds a poisoned ID, refuses for now
// (once) the first call that holds the ID stall, and notes how many calls offered each ID.
type moodyConsumer struct {
	next     consumer.Logs
	poisoned map[string]bool
	stall    string
	stalled  bool
	mu       sync.Mutex
	offered  map[string]int
}

func (m *moodyConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (m *moodyConsumer) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var bad error
	stall := false
	forEachRecord(ld, func(lr plog.LogRecord) {
		v, _ := lr.Attributes().Get("aws.cloudtrail.event_id")
		m.offered[v.Str()]++
		if m.poisoned[v.Str()] {
			bad = consumererror.NewPermanent(fmt.Errorf("record %s: mapping conflict", v.Str()))
		}
		if v.Str() == m.stall && !m.stalled {
			stall = true
		}
	})
	if bad != nil {
		return bad
	}
	if stall {
		m.stalled = true
		return errors.New("exporter queue is full")
	}
	return m.next.ConsumeLogs(ctx, ld)
}

// An event refused for good in an early part was dropped: when a later part is refused
// for now, the slice read again must not offer it again, nor count or log it twice.
func TestPermanentRefusalThenRefusalForNowDropsOnce(t *testing.T) {
	e, set, evs := oneSliceOf600(t)
	ids := idsOldestFirst(evs)
	poisoned := ids[37]        // in the first part
	stall := ids[emitChunk+10] // in the second part
	cons := &moodyConsumer{next: e.sink, poisoned: map[string]bool{poisoned: true}, stall: stall, offered: map[string]int{}}
	core, logs := observer.New(zapcore.WarnLevel)
	s := NewStream(set, Deps{Source: e.client, Next: cons, Store: e.store, Metrics: e.metrics,
		Logger: zap.New(core), Now: e.clock.Now})

	require.Error(t, s.Poll(context.Background()), "the second part is refused for now")
	offered := cons.offered[poisoned] // the bisection offers it a few times
	require.Positive(t, offered)
	require.NoError(t, s.Poll(context.Background()), "the slice read again")

	want := make([]string, 0, len(ids)-1)
	for _, id := range ids {
		if id != poisoned {
			want = append(want, id)
		}
	}
	assert.Equal(t, want, emittedIDs(e.sink), "every other event exactly once")
	assert.Equal(t, 1, e.metrics.refused, "the dropped event is counted once")
	assert.Equal(t, offered, cons.offered[poisoned], "the dropped event is not offered again")
	assert.Len(t, logs.FilterMessage("Pipeline refused events permanently; dropping them").All(), 1,
		"the drop is logged once")
}

// What a slice refused for now counted as malformed (or duplicate) is counted again when
// the slice is read again: only the attempt that commits may count it.
func TestPartRefusedForNowCountsMalformedOnce(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	set.TargetEvents, set.MaxEvents = 5000, 5000 // no split: one slice of everything
	e.srv.SetFaults(awsemu.Faults{MalformedRate: 0.25})
	bad := 0
	for i := range 600 {
		ev := e.add(t0.Add(-50*time.Minute+time.Duration(i)*time.Second), 0, "DescribeAlert")
		if e.srv.Malformed(ev.EventID) {
			bad++
		}
	}
	require.Positive(t, bad)
	cons := &partsConsumer{next: e.sink, refuse: map[int]bool{2: true}} // the second part, once
	s := NewStream(set, Deps{Source: e.client, Next: cons, Store: e.store, Metrics: e.metrics, Now: e.clock.Now})

	require.Error(t, s.Poll(context.Background()))
	require.NoError(t, s.Poll(context.Background()))
	emitted, _, malformed := e.metrics.get()
	assert.Equal(t, 600-bad, emitted)
	assert.Len(t, emittedIDs(e.sink), 600-bad, "every good event once")
	assert.Equal(t, bad, malformed, "each malformed event is counted once")
}

// A part whose permanent refusal is bisected may be refused for now half way: the records
// its bisection delivered (or dropped) before that are done with like an earlier part's,
// not sent again when the slice is read again, and counted.
func TestRefusalForNowInsideABisectedPartKeepsWhatItDelivered(t *testing.T) {
	e, set, evs := oneSliceOf600(t)
	ids := idsOldestFirst(evs)
	poisoned := ids[emitChunk+5] // early in the second part: its first half is bisected
	stall := ids[emitChunk+200]  // late in the second part: its second half is refused for now
	cons := &moodyConsumer{next: e.sink, poisoned: map[string]bool{poisoned: true}, stall: stall, offered: map[string]int{}}
	s := NewStream(set, Deps{Source: e.client, Next: cons, Store: e.store, Metrics: e.metrics, Now: e.clock.Now})

	require.Error(t, s.Poll(context.Background()))
	require.NoError(t, s.Poll(context.Background()))

	want := make([]string, 0, len(ids)-1)
	for _, id := range ids {
		if id != poisoned {
			want = append(want, id)
		}
	}
	got := emittedIDs(e.sink)
	assert.Zero(t, len(got)-len(want), "events sent twice")
	if len(got) == len(want) {
		assert.Equal(t, want, got, "every other event exactly once")
	}
	emitted, _, _ := e.metrics.get()
	assert.Equal(t, len(got), emitted, "the emitted metric counts what the pipeline took")
	assert.Equal(t, 1, e.metrics.refused)
}
