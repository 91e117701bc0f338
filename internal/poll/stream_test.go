// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"errors"
	"sort"
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

// idsOldestFirst sorts events as the stream must emit them.
func idsOldestFirst(evs []awsemu.Event) []string {
	sorted := append([]awsemu.Event(nil), evs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].EventTime.Equal(sorted[j].EventTime) {
			return sorted[i].EventTime.Before(sorted[j].EventTime)
		}
		return sorted[i].EventID < sorted[j].EventID
	})
	ids := make([]string, len(sorted))
	for i, ev := range sorted {
		ids[i] = ev.EventID
	}
	return ids
}

func TestEveryEventOnceOldestFirstAcrossPages(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-3 * time.Hour)
	var evs []awsemu.Event
	for i := range 137 { // three pages and a bit, inside the overlap window of the next poll
		evs = append(evs, e.add(t0.Add(-12*time.Minute+time.Duration(i)*5*time.Second), 0, "GetDataQualityMetrics"))
	}
	// Another source's events are not this stream's.
	e.srv.Store().Add(awsemu.NewRecord(awsemu.RecordSpec{EventSource: "iam.amazonaws.com", EventTime: t0.Add(-time.Hour)}))

	s := e.stream(set)
	e.poll(s)
	assert.Equal(t, idsOldestFirst(evs), emittedIDs(e.sink))

	e.clock.Advance(time.Minute)
	e.poll(s)
	assert.Len(t, emittedIDs(e.sink), 137, "a second poll re-reads the overlap and emits nothing again")
	emitted, dups, _ := e.metrics.get()
	assert.Equal(t, 137, emitted)
	assert.Positive(t, dups)
}

func TestLateEventsWithinMaxDelayEmittedOnce(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	s := e.stream(e.settings())
	onTime := e.add(t0.Add(10*time.Second), 0, "CreateAlert")
	late := e.add(t0.Add(20*time.Second), 14*time.Minute, "DeleteAlert")        // inside the window
	tooLate := e.add(t0.Add(30*time.Second), 40*time.Minute, "UpdateMetricSet") // beyond it

	for range 60 { // an hour of one-minute polls
		e.clock.Advance(time.Minute)
		e.poll(s)
	}
	ids := emittedIDs(e.sink)
	assert.Equal(t, []string{onTime.EventID, late.EventID}, ids)
	assert.NotContains(t, ids, tooLate.EventID, "events later than max_event_delay are the documented limit")
}

func TestLateEventEmittedOnePollAfterItBecomesVisible(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	s := e.stream(e.settings())
	late := e.add(t0.Add(5*time.Second), 10*time.Minute, "CreateAlert")
	e.clock.Set(t0.Add(10 * time.Minute)) // not visible yet
	e.poll(s)
	assert.Empty(t, emittedIDs(e.sink))
	e.clock.Set(t0.Add(11 * time.Minute))
	e.poll(s)
	assert.Equal(t, []string{late.EventID}, emittedIDs(e.sink))
}

func TestPipelineRefusalAdvancesNothing(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	evs := []awsemu.Event{e.add(t0.Add(-30*time.Minute), 0, "CreateAlert"), e.add(t0.Add(-20*time.Minute), 0, "DeleteAlert")}
	refuse := &flakyConsumer{next: e.sink, failures: 1}
	s := NewStream(set, Deps{Source: e.client, Next: refuse, Store: e.store, Now: e.clock.Now})

	require.Error(t, s.Poll(context.Background()))
	_, found, err := e.store.Load(context.Background(), set.CheckpointKey())
	require.NoError(t, err)
	assert.False(t, found, "nothing is persisted when the pipeline refuses")
	assert.Empty(t, emittedIDs(e.sink))

	e.clock.Advance(time.Minute)
	require.NoError(t, s.Poll(context.Background()))
	assert.Equal(t, idsOldestFirst(evs), emittedIDs(e.sink))
}

func TestRestartResumesFromCheckpoint(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	first := []awsemu.Event{e.add(t0.Add(-50*time.Minute), 0, "CreateAlert"), e.add(t0.Add(-5*time.Minute), 0, "DeleteAlert")}
	e.poll(e.stream(set))

	e.clock.Advance(10 * time.Minute)
	second := []awsemu.Event{
		e.add(t0.Add(2*time.Minute), 0, "UpdateAlert"),
		e.add(t0.Add(-time.Minute), 9*time.Minute, "ListAlerts"), // late, became visible while down
	}
	set.Start = e.clock.Now() // a restart's start_at must not matter when a checkpoint exists
	e.poll(e.stream(set))

	assert.ElementsMatch(t, append(idsOldestFirst(first), idsOldestFirst(second)...), emittedIDs(e.sink))
}

func TestBackfillReadsBoundedSlicesOldestFirst(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-Retention)
	set.TargetEvents, set.MaxEvents = 100, 200
	var evs []awsemu.Event
	for i := range 900 { // bursts of activity spread over 90 days
		at := set.Start.Add(time.Duration(i/100) * 9 * 24 * time.Hour).Add(time.Duration(i%100) * 7 * time.Second)
		evs = append(evs, e.add(at.Add(time.Hour), 0, "GetAnomalyGroup"))
	}
	rec := &recordingStore{Store: e.store}
	sizes := &batchSizes{next: e.sink}
	s := NewStream(set, Deps{Source: e.client, Next: sizes, Store: rec, Now: e.clock.Now})
	e.poll(s)

	assert.Equal(t, idsOldestFirst(evs), emittedIDs(e.sink))
	assert.LessOrEqual(t, sizes.max, set.MaxEvents+cloudtrail.MaxResults, "memory is bounded by one slice")
	require.Greater(t, len(rec.saves), 9, "the checkpoint advances slice by slice")
	for i := 1; i < len(rec.saves); i++ {
		assert.False(t, rec.saves[i].Head.Before(rec.saves[i-1].Head), "checkpoint head never goes back")
	}
}

func TestMalformedEventsCountedAndSkipped(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	e.srv.SetFaults(awsemu.Faults{MalformedRate: 0.25})
	var good []awsemu.Event
	bad := 0
	for i := range 60 {
		ev := e.add(t0.Add(-time.Hour+time.Duration(i)*time.Minute), 0, "DescribeAlert")
		if e.srv.Malformed(ev.EventID) {
			bad++
		} else {
			good = append(good, ev)
		}
	}
	require.Positive(t, bad)
	s := e.stream(set)
	e.poll(s)
	emitted, _, malformed := e.metrics.get()
	assert.Equal(t, bad, malformed)
	assert.Equal(t, idsOldestFirst(good), emittedIDs(e.sink), "the rest of the page goes on")
	assert.Equal(t, len(good), emitted)

	e.clock.Advance(time.Minute)
	e.poll(s)
	_, _, again := e.metrics.get()
	assert.Equal(t, bad, again, "a malformed event is counted once, not on every re-read")
}

func TestInvalidNextTokenRestartsSlice(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	var evs []awsemu.Event
	for i := range 120 { // inside the overlap window, so the next poll pages through them again
		evs = append(evs, e.add(t0.Add(-14*time.Minute+time.Duration(i)*5*time.Second), 0, "ListAlerts"))
	}
	src := &tokenSpoiler{Source: e.client, spoil: 1}
	s := NewStream(set, Deps{Source: src, Next: e.sink, Store: e.store, Now: e.clock.Now})
	e.poll(s)
	assert.Equal(t, idsOldestFirst(evs), emittedIDs(e.sink))
	assert.Equal(t, 0, src.spoil, "the server refused a token and the slice was read again")

	e.srv.SetFaults(awsemu.Faults{InvalidateTokens: true})
	e.clock.Advance(time.Minute)
	err := s.Poll(context.Background())
	require.Error(t, err, "a token that keeps failing fails the poll, to be retried later")
	assert.Equal(t, cloudtrail.KindInvalidToken, cloudtrail.Classify(err))
}

func TestServerErrorsAreRetried(t *testing.T) {
	e := newEnv(t, awsemu.Options{Seed: 7})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	var evs []awsemu.Event
	for i := range 200 {
		evs = append(evs, e.add(set.Start.Add(time.Duration(i)*15*time.Second), 0, "ListMetricSets"))
	}
	e.srv.SetFaults(awsemu.Faults{ErrorRate: 0.3})
	s := e.stream(set)
	for i := 0; i < 5 && len(emittedIDs(e.sink)) < len(evs); i++ {
		_ = s.Poll(context.Background()) // a poll may fail after the SDK's retries; the next one goes on
		e.clock.Advance(time.Minute)
	}
	assert.ElementsMatch(t, idsOldestFirst(evs), emittedIDs(e.sink))
	assert.Positive(t, e.srv.Stats().ServerErrors, "the fault knob was exercised")
}

func TestFiltersByNameAndReadOnly(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	set.EventNames = map[string]bool{"CreateAlert": true, "DescribeAlert": true}
	set.ReadOnly = ReadOnlyWrite
	create := e.add(t0.Add(-50*time.Minute), 0, "CreateAlert")
	e.add(t0.Add(-40*time.Minute), 0, "DescribeAlert") // read-only
	e.add(t0.Add(-30*time.Minute), 0, "DeleteAlert")   // not listed
	e.poll(e.stream(set))
	assert.Equal(t, []string{create.EventID}, emittedIDs(e.sink))
}

// flakyConsumer refuses the first failures batches.
type flakyConsumer struct {
	next     consumer.Logs
	failures int
}

func (f *flakyConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (f *flakyConsumer) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	if f.failures > 0 {
		f.failures--
		return errors.New("pipeline is full")
	}
	return f.next.ConsumeLogs(ctx, ld)
}

type batchSizes struct {
	next consumer.Logs
	max  int
}

func (b *batchSizes) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (b *batchSizes) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	b.max = max(b.max, ld.LogRecordCount())
	return b.next.ConsumeLogs(ctx, ld)
}

type recordingStore struct {
	checkpoint.Store
	saves []checkpoint.State
}

func (r *recordingStore) Save(ctx context.Context, key string, st checkpoint.State) error {
	r.saves = append(r.saves, st.Clone())
	return r.Store.Save(ctx, key, st)
}

// tokenSpoiler replaces the next spoil page tokens with one the server will refuse.
type tokenSpoiler struct {
	Source
	spoil int
}

func (s *tokenSpoiler) Lookup(ctx context.Context, q cloudtrail.Query, token string) (cloudtrail.Page, error) {
	if token != "" && s.spoil > 0 {
		s.spoil--
		token = "c3BvaWxlZA=="
	}
	return s.Source.Lookup(ctx, q, token)
}

func TestOversizedSliceIsSplitNotReadAgain(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-3 * time.Hour)
	set.TargetEvents, set.MaxEvents = 100, 200
	var evs []awsemu.Event
	for i := range 3000 { // a quiet start, then a dense hour: the grown slice overflows
		evs = append(evs, e.add(t0.Add(-time.Hour+time.Duration(i)*time.Second), 0, "GetAnomalyGroup"))
	}
	src := &countingSource{Source: e.client}
	sizes := &batchSizes{next: e.sink}
	s := NewStream(set, Deps{Source: src, Next: sizes, Store: e.store, Now: e.clock.Now})
	e.poll(s)

	assert.Equal(t, idsOldestFirst(evs), emittedIDs(e.sink))
	assert.LessOrEqual(t, sizes.max, set.MaxEvents+cloudtrail.MaxResults)
	pages := len(evs) / cloudtrail.MaxResults
	t.Logf("%d pages for %d events (%d fetched)", src.calls, len(evs), src.events)
	assert.LessOrEqual(t, src.calls, pages+pages/10+5, "pages are not read twice after a split")
	assert.LessOrEqual(t, src.events, len(evs)+len(evs)/10, "events are fetched about once")
}

type countingSource struct {
	Source
	calls, events int
}

func (c *countingSource) Lookup(ctx context.Context, q cloudtrail.Query, token string) (cloudtrail.Page, error) {
	p, err := c.Source.Lookup(ctx, q, token)
	c.calls++
	c.events += len(p.Events)
	return p, err
}
