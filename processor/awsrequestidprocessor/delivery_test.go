// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor

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
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// These tests hold the processor to the pipeline's at-least-once contract with max_wait
// on: a record is either refused to the caller or delivered to next, exactly once, and
// held records are bounded.

// nextConsumer is a next consumer whose answers the test controls: it calls answer (nil
// means accept) and records what it accepted in sink.
type nextConsumer struct {
	sink    *plogCounter
	answer  func(ctx context.Context, call int) error
	calls   atomic.Int64
	entered chan struct{} // gets a value (if there is room) each time ConsumeLogs starts
}

func newNext(answer func(ctx context.Context, call int) error) *nextConsumer {
	return &nextConsumer{sink: &plogCounter{}, answer: answer, entered: make(chan struct{}, 1)}
}

func (n *nextConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (n *nextConsumer) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	call := int(n.calls.Add(1))
	select {
	case n.entered <- struct{}{}:
	default:
	}
	if n.answer != nil {
		if err := n.answer(ctx, call); err != nil {
			return err
		}
	}
	n.sink.add(ld)
	return nil
}

// plogCounter counts the accepted records per request ID.
type plogCounter struct {
	mu      sync.Mutex
	byID    map[string]int
	records int
}

func (c *plogCounter) add(ld plog.Logs) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID == nil {
		c.byID = map[string]int{}
	}
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				rid, _ := lr.Attributes().Get(attrRequestID)
				c.byID[rid.Str()]++
				c.records++
			}
		}
	}
}

func (c *plogCounter) count(rid string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byID[rid]
}

func (c *plogCounter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.records
}

// startLogs creates and starts a logs processor of cfg in front of next; it is shut
// down at cleanup.
func (h *harness) startLogs(cfg *Config, next consumer.Logs, set ...processor.Settings) processor.Logs {
	ctx := context.Background()
	s := h.settings()
	if len(set) > 0 {
		s = set[0]
	}
	lp, err := h.factory.CreateLogs(ctx, s, cfg, next)
	require.NoError(h.t, err)
	require.NoError(h.t, lp.Start(ctx, componenttest.NewNopHost()))
	h.t.Cleanup(func() { require.NoError(h.t, lp.Shutdown(ctx)) })
	return lp
}

// gate blocks the calls of a next consumer until it is opened (once, by the test or at
// cleanup) or their context ends.
type gate struct {
	ch   chan struct{}
	open func()
}

func newGate(t *testing.T) *gate {
	ch := make(chan struct{})
	g := &gate{ch: ch, open: sync.OnceFunc(func() { close(ch) })}
	t.Cleanup(g.open) // registered after the processor's cleanup: runs before it
	return g
}

func (g *gate) wait(ctx context.Context, _ int) error {
	select {
	case <-g.ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func cancelledContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestMaxPendingBoundsHeldRecords(t *testing.T) {
	h := newHarness(t)
	next := newNext(nil)
	lp := h.startLogs(waitConfig(time.Minute, 2), next)
	g := newGate(t)
	next.answer = g.wait // next is stuck: nothing held can leave
	require.NoError(t, lp.ConsumeLogs(context.Background(), makeLogs("a", "b")))

	// The caller of a batch that does not fit waits for room; with its context done,
	// it is refused and nothing of it is held.
	for i := range 1000 {
		err := lp.ConsumeLogs(cancelledContext(), makeLogs(fmt.Sprint(i)))
		require.ErrorIs(t, err, context.Canceled, "call %d", i)
		require.False(t, consumererror.IsPermanent(err), "the refusal is retryable")
	}
	assert.Equal(t, int64(2), h.counter("processor_awsrequestid_logs_held"))
	assert.Zero(t, next.sink.total())
}

func TestBlockedCallerGoesOnWhenThereIsRoom(t *testing.T) {
	h := newHarness(t)
	g := newGate(t)
	next := newNext(g.wait)
	lp := h.startLogs(waitConfig(time.Minute, 2), next)
	require.NoError(t, lp.ConsumeLogs(context.Background(), makeLogs("a", "b")))

	done := make(chan error, 1)
	go func() { done <- lp.ConsumeLogs(context.Background(), makeLogs("c")) }()
	<-next.entered // c's caller made a and b due at once: they are in next
	assert.Equal(t, int64(2), h.counter("processor_awsrequestid_logs_held"))
	g.open()
	require.NoError(t, <-done)
	require.Eventually(t, func() bool { return next.sink.total() == 2 }, waitFor, tick)
	h.eventuallyCounted("processor_awsrequestid_logs_held", 1) // c
	h.eventuallyArmed(t0.Add(time.Minute))
	h.clock.Advance(time.Minute)
	require.Eventually(t, func() bool { return next.sink.count("c") == 1 }, waitFor, tick)
	h.eventuallyCounted("processor_awsrequestid_logs_unmatched", 3)
	h.eventuallyCounted("processor_awsrequestid_logs_held", 0)
}

func TestBatchLargerThanMaxPendingIsHeldAlone(t *testing.T) {
	h := newHarness(t)
	next := newNext(nil)
	lp := h.startLogs(waitConfig(time.Minute, 2), next)
	ctx := context.Background()
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("a", "b", "c")), "an oversized batch fits an empty holder")
	assert.Equal(t, int64(3), h.counter("processor_awsrequestid_logs_held"))
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("d")), "waits until a, b and c have left")
	assert.Equal(t, 3, next.sink.total())
	h.eventuallyCounted("processor_awsrequestid_logs_held", 1)
}

func TestRetriedBatchIsDeliveredOnce(t *testing.T) {
	h := newHarness(t)
	tp, _ := h.start(testConfig())
	next := newNext(func(_ context.Context, call int) error {
		if call == 1 {
			return errors.New("queue full")
		}
		return nil
	})
	lp := h.startLogs(waitConfig(time.Minute, 100), next)
	ctx := context.Background()
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("known", 1))))

	// The caller re-sends the batch until it is accepted, as the receiver does.
	for attempt := 1; lp.ConsumeLogs(ctx, makeLogs("known", "late")) != nil; attempt++ {
		require.Less(t, attempt, 5)
	}
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("late", 2))))
	require.Eventually(t, func() bool {
		h.clock.Advance(time.Second) // the back-off after a refusal
		return next.sink.count("late") > 0
	}, waitFor, tick)
	require.NoError(t, lp.Shutdown(ctx))
	assert.Equal(t, 1, next.sink.count("known"))
	assert.Equal(t, 1, next.sink.count("late"))
	assert.Zero(t, h.counter("processor_awsrequestid_logs_dropped"))
}

func TestRefusedHeldRecordsAreRetriedUntilDelivered(t *testing.T) {
	h := newHarness(t)
	next := newNext(func(_ context.Context, call int) error {
		if call <= 3 {
			return errors.New("queue full")
		}
		return nil
	})
	lp := h.startLogs(waitConfig(time.Minute, 100), next)
	require.NoError(t, lp.ConsumeLogs(context.Background(), makeLogs("a", "b")))
	h.clock.Advance(time.Minute)
	require.Eventually(t, func() bool {
		h.clock.Advance(time.Second)
		return next.sink.total() == 2
	}, waitFor, tick)
	assert.Equal(t, int64(4), next.calls.Load())
	h.eventuallyCounted("processor_awsrequestid_logs_unmatched", 2)
	h.eventuallyCounted("processor_awsrequestid_logs_held", 0)
	assert.Zero(t, h.counter("processor_awsrequestid_logs_dropped"))
}

func TestPermanentlyRefusedHeldRecordsAreDroppedAndCounted(t *testing.T) {
	h := newHarness(t)
	core, warnings := observer.New(zap.WarnLevel)
	set := h.settings()
	set.Logger = zap.New(core)
	next := newNext(func(context.Context, int) error {
		return consumererror.NewPermanent(errors.New("bad data"))
	})
	lp := h.startLogs(waitConfig(time.Minute, 100), next, set)
	require.NoError(t, lp.ConsumeLogs(context.Background(), makeLogs("a", "b")))
	h.eventuallyArmed(t0.Add(time.Minute))
	h.clock.Advance(time.Minute)
	require.Eventually(t, func() bool {
		return h.counter("processor_awsrequestid_logs_dropped") == 2
	}, waitFor, tick)
	assert.Equal(t, int64(1), next.calls.Load(), "a permanent error is not retried")
	assert.Zero(t, h.counter("processor_awsrequestid_logs_held"))
	dropped := warnings.FilterMessageSnippet("permanent error").All()
	require.Len(t, dropped, 1)
	assert.Equal(t, int64(2), dropped[0].ContextMap()["records"])
}

func TestShutdownHonoursItsContext(t *testing.T) {
	h := newHarness(t)
	g := newGate(t)
	var nextErr atomic.Value
	next := newNext(func(ctx context.Context, call int) error {
		err := g.wait(ctx, call)
		if err != nil {
			nextErr.Store(err)
		}
		return err
	})
	lp := h.startLogs(waitConfig(time.Minute, 100), next)
	require.NoError(t, lp.ConsumeLogs(context.Background(), makeLogs("a")))
	h.eventuallyArmed(t0.Add(time.Minute))
	h.clock.Advance(time.Minute)
	<-next.entered // the held record is in next, which waits

	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- lp.Shutdown(ctx) }()
	cancel() // the deadline of the collector's shutdown
	select {
	case err := <-res:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(waitFor):
		t.Fatal("Shutdown ignored its context")
	}
	require.Eventually(t, func() bool { return nextErr.Load() != nil }, waitFor, tick,
		"next got a context that Shutdown cancelled")
	require.Eventually(t, func() bool {
		return h.counter("processor_awsrequestid_logs_dropped") == 1
	}, waitFor, tick)
	assert.Zero(t, next.sink.total())
}

func TestShutdownRetriesRefusedRecordsUntilItsDeadline(t *testing.T) {
	h := newHarness(t)
	next := newNext(func(context.Context, int) error { return errors.New("queue full") })
	lp := h.startLogs(waitConfig(time.Minute, 100), next)
	require.NoError(t, lp.ConsumeLogs(context.Background(), makeLogs("a", "b")))

	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- lp.Shutdown(ctx) }()
	require.Eventually(t, func() bool {
		h.clock.Advance(time.Second)
		return next.calls.Load() >= 3
	}, waitFor, tick, "Shutdown retries while its context lasts")
	cancel()
	require.ErrorIs(t, <-res, context.Canceled)
	require.Eventually(t, func() bool {
		return h.counter("processor_awsrequestid_logs_dropped") == 2
	}, waitFor, tick)
	assert.Zero(t, h.counter("processor_awsrequestid_logs_unmatched"), "dropped records were not passed on")
}

func TestShutdownWithoutDeadlineGivesUpAfterItsGrace(t *testing.T) {
	h := newHarness(t)
	next := newNext(func(context.Context, int) error { return errors.New("queue full") })
	lp := h.startLogs(waitConfig(time.Minute, 100), next)
	require.NoError(t, lp.ConsumeLogs(context.Background(), makeLogs("a", "b")))

	res := make(chan error, 1)
	go func() { res <- lp.Shutdown(context.Background()) }() // as the collector does
	var err error
	require.Eventually(t, func() bool {
		select {
		case err = <-res:
			return true
		default:
			h.clock.Advance(time.Second)
			return false
		}
	}, waitFor, tick, "a next that refuses for ever does not hang Shutdown")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.GreaterOrEqual(t, h.clock.Now(), shutdownGrace)
	assert.GreaterOrEqual(t, next.calls.Load(), int64(shutdownGrace/retryMax))
	assert.Equal(t, int64(2), h.counter("processor_awsrequestid_logs_dropped"))
}

func TestConsumeLogsAfterShutdownRefuses(t *testing.T) {
	for _, maxWait := range []time.Duration{0, time.Minute} {
		t.Run(maxWait.String(), func(t *testing.T) {
			h := newHarness(t)
			next := newNext(nil)
			lp := h.startLogs(waitConfig(maxWait, 100), next)
			ctx := context.Background()
			require.NoError(t, lp.Shutdown(ctx))
			err := lp.ConsumeLogs(ctx, makeLogs("a"))
			require.Error(t, err)
			assert.False(t, consumererror.IsPermanent(err))
			require.NoError(t, lp.Shutdown(ctx))
			assert.Zero(t, next.sink.total())
		})
	}
}

func TestIndexAgesIgnoreWallClockSteps(t *testing.T) {
	h := newHarness(t)
	tp, lp := h.start(testConfig()) // ttl 30m
	ctx := context.Background()
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("old", 1))))
	h.clock.StepWall(-time.Hour) // the wall clock is set back
	h.clock.Advance(30 * time.Minute)
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("new", 2))))
	h.clock.StepWall(2 * time.Hour) // and then forward
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("old", "new")))
	stamps := stampsOf(h.logs)
	assert.True(t, stamps["old"].IsEmpty(), "30 minutes passed: the entry is gone")
	assert.Equal(t, traceID(2), stamps["new"], "no time passed: the entry stays")
	assert.Equal(t, int64(1), h.counter("processor_awsrequestid_entries_evicted", "reason", "ttl"))
}
