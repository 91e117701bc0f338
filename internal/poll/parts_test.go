// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// partsConsumer notes the size of every call, and refuses for now the calls whose
// number (from 1) is in refuse, once each.
type partsConsumer struct {
	next   consumer.Logs
	mu     sync.Mutex
	sizes  []int
	refuse map[int]bool
}

func (p *partsConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (p *partsConsumer) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	p.mu.Lock()
	p.sizes = append(p.sizes, ld.LogRecordCount())
	n := len(p.sizes)
	refused := p.refuse[n]
	p.mu.Unlock()
	if refused {
		return errors.New("exporter queue is full") // not permanent: try again later
	}
	return p.next.ConsumeLogs(ctx, ld)
}

// oneSliceOf600 is a stream whose first poll reads 600 events in one slice.
func oneSliceOf600(t *testing.T) (*env, Settings, []awsemu.Event) {
	t.Helper()
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	set.TargetEvents, set.MaxEvents = 5000, 5000 // no split: one slice of everything
	var evs []awsemu.Event
	for i := range 600 {
		evs = append(evs, e.add(t0.Add(-50*time.Minute+time.Duration(i)*time.Second), 0, "GetAnomalyGroup"))
	}
	return e, set, evs
}

func TestSliceIsDeliveredInBoundedParts(t *testing.T) {
	e, set, evs := oneSliceOf600(t)
	cons := &partsConsumer{next: e.sink}
	s := NewStream(set, Deps{Source: e.client, Next: cons, Store: e.store, Metrics: e.metrics, Now: e.clock.Now})
	require.NoError(t, s.Poll(context.Background()))

	assert.Equal(t, []int{emitChunk, emitChunk, 600 - 2*emitChunk}, cons.sizes, "parts of at most emitChunk records")
	assert.Equal(t, idsOldestFirst(evs), emittedIDs(e.sink), "every event once, oldest first across the parts")
	emitted, dups, _ := e.metrics.get()
	assert.Equal(t, 600, emitted)
	assert.Zero(t, dups)
}

func TestPartRefusedForNowIsReadAgainWithoutResendingEarlierParts(t *testing.T) {
	e, set, evs := oneSliceOf600(t)
	cons := &partsConsumer{next: e.sink, refuse: map[int]bool{2: true}} // the second part, once
	s := NewStream(set, Deps{Source: e.client, Next: cons, Store: e.store, Metrics: e.metrics, Now: e.clock.Now})

	require.Error(t, s.Poll(context.Background()), "a part refused for now fails the poll")
	_, saved, err := e.store.Load(context.Background(), set.CheckpointKey())
	require.NoError(t, err)
	assert.False(t, saved, "nothing is committed while a part of the slice is not delivered")
	assert.Len(t, emittedIDs(e.sink), emitChunk, "the first part was delivered")

	require.NoError(t, s.Poll(context.Background()), "the next poll reads the slice again")
	assert.Equal(t, idsOldestFirst(evs), emittedIDs(e.sink), "every event exactly once: the first part is not sent again")
	st, saved, err := e.store.Load(context.Background(), set.CheckpointKey())
	require.NoError(t, err)
	require.True(t, saved)
	assert.True(t, st.Head.After(evs[len(evs)-1].EventTime), "the slice is committed")
	emitted, dups, _ := e.metrics.get()
	assert.Equal(t, 600, emitted)
	assert.Equal(t, emitChunk, dups, "the first part, read again, counts as duplicates")
}

// fewEventsSource answers every slice of a stream with three events of its own.
type fewEventsSource struct{}

func (fewEventsSource) Lookup(_ context.Context, q cloudtrail.Query, _ string) (cloudtrail.Page, error) {
	if q.Start.Equal(q.End) {
		return cloudtrail.Page{}, nil // the clock probe
	}
	var p cloudtrail.Page
	for i := range 3 {
		at := q.End.Add(-time.Duration(i+1) * time.Second)
		p.Events = append(p.Events, fakeRecord(fmt.Sprintf("%s-%d", q.EventSource, i), "GetAnomalyGroup", at, true))
	}
	return p, nil
}

// parkedConsumer holds every call until the test lets one through, and notes the most
// calls held at once.
type parkedConsumer struct {
	inFlight, peak atomic.Int32
	pass           chan struct{}
}

func (p *parkedConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (p *parkedConsumer) ConsumeLogs(ctx context.Context, _ plog.Logs) error {
	n := p.inFlight.Add(1)
	defer p.inFlight.Add(-1)
	notePeak(&p.peak, n)
	select {
	case <-p.pass:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestGateBoundsStreamsDeliveringAtOnce(t *testing.T) {
	const streams = 12
	gate := NewGate(streams) // every stream reads at once; 4 deliver at once
	require.Equal(t, 4, gate.DeliverySize())
	cons := &parkedConsumer{pass: make(chan struct{})}
	store := checkpoint.NewMemoryStore()
	errs := make(chan error, streams)
	now := time.Now()
	for i := range streams {
		set := Settings{Region: "us-east-1", EventSource: fmt.Sprintf("s%d.amazonaws.com", i),
			MaxEventDelay: time.Minute, Start: now.Add(-time.Minute)}
		s := NewStream(set, Deps{Source: fewEventsSource{}, Next: cons, Store: store, Gate: gate})
		go func() { errs <- s.Poll(context.Background()) }()
	}
	require.Eventually(t, func() bool { return gate.InUse() == streams && cons.inFlight.Load() == 4 },
		5*time.Second, time.Millisecond, "every stream read its slice; four deliver")
	time.Sleep(50 * time.Millisecond) // room for a fifth call, were it let in
	for range streams {
		cons.pass <- struct{}{}
	}
	for range streams {
		require.NoError(t, <-errs)
	}
	assert.Equal(t, int32(4), cons.peak.Load(), "never more streams delivering than the gate's delivering places")
	assert.Zero(t, gate.InUse())
}

// heldCounter counts the events a stream was handed by its source and the records it
// delivered; their difference is what the stream holds.
type heldCounter struct {
	Source
	next               consumer.Logs
	returned, peakHeld int
	delivered          atomic.Int64
}

func (h *heldCounter) Lookup(ctx context.Context, q cloudtrail.Query, token string) (cloudtrail.Page, error) {
	p, err := h.Source.Lookup(ctx, q, token)
	h.returned += len(p.Events)
	h.peakHeld = max(h.peakHeld, h.returned-int(h.delivered.Load()))
	return p, err
}

func (h *heldCounter) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (h *heldCounter) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	h.delivered.Add(int64(ld.LogRecordCount()))
	return h.next.ConsumeLogs(ctx, ld)
}

// The receiver's settings with more streams than places: a backfill of an hour of dense
// history (1 event/s) holds at most a slice and a page at any time, because the first
// slice is short; with the usual first slice of an hour it is split, and its newer part
// is held while the hour's older part is read.
func TestDenseBackfillWithShortFirstSliceHoldsOneSlice(t *testing.T) {
	for _, tc := range []struct {
		first   time.Duration
		maxHeld int
	}{
		{150 * time.Second, 375 + cloudtrail.MaxResults},
		{time.Hour, 0}, // measured only: it holds more
	} {
		e := newEnv(t, awsemu.Options{})
		set := e.settings()
		set.Start = t0.Add(-time.Hour)
		set.TargetEvents, set.MaxEvents, set.InitialSlice = 150, 375, tc.first
		var evs []awsemu.Event
		for i := range 3600 {
			evs = append(evs, e.add(t0.Add(-time.Hour+time.Duration(i)*time.Second), 0, "GetAnomalyGroup"))
		}
		h := &heldCounter{Source: e.client, next: e.sink}
		s := NewStream(set, Deps{Source: h, Next: h, Store: e.store, Metrics: e.metrics, Now: e.clock.Now})
		require.NoError(t, s.Poll(context.Background()))
		assert.Equal(t, idsOldestFirst(evs), emittedIDs(e.sink), "first slice %s: every event once, oldest first", tc.first)
		t.Logf("first slice %s: at most %d events held", tc.first, h.peakHeld)
		if tc.maxHeld > 0 {
			assert.LessOrEqual(t, h.peakHeld, tc.maxHeld, "first slice %s", tc.first)
		} else {
			assert.Greater(t, h.peakHeld, 375+cloudtrail.MaxResults, "first slice %s: the case the short first slice avoids", tc.first)
		}
	}
}

// A start_at before the first event: the empty slices grow eightfold each, and the first
// dense one is far larger than a slice. Split, a stream holds the newer part of each
// level (its older part's slices grow eightfold again over the empty stretch, and split
// again, three deep); read again in slices that do not grow past what its pages
// measured, it holds at most MaxEvents and a page, for a few pages read twice. Every
// event is emitted once, oldest first, either way.
func TestDenseHistoryAfterAnEmptyStretchHoldsOneSlice(t *testing.T) {
	held := map[bool]int{}
	for _, again := range []bool{false, true} {
		e := newEnv(t, awsemu.Options{})
		set := e.settings()
		set.Start = t0.Add(-90 * time.Minute) // half an hour before the first event
		set.TargetEvents, set.MaxEvents, set.InitialSlice, set.ReadAgainOnSplit = 150, 375, 150*time.Second, again
		var evs []awsemu.Event
		for i := range 3600 {
			evs = append(evs, e.add(t0.Add(-time.Hour+time.Duration(i)*time.Second), 0, "GetAnomalyGroup"))
		}
		h := &heldCounter{Source: e.client, next: e.sink}
		s := NewStream(set, Deps{Source: h, Next: h, Store: e.store, Metrics: e.metrics, Now: e.clock.Now})
		require.NoError(t, s.Poll(context.Background()))
		assert.Equal(t, idsOldestFirst(evs), emittedIDs(e.sink), "read again %t: every event once, oldest first", again)
		held[again] = s.heldPeak
		t.Logf("read again %t: at most %d events held, %d events read for %d", again, s.heldPeak, h.returned, len(evs))
	}
	assert.LessOrEqual(t, held[true], 375+cloudtrail.MaxResults, "read again: one slice")
	assert.Greater(t, held[false], 2*(375+cloudtrail.MaxResults), "split: a newer part per level")
}
