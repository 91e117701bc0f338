// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
)

const waitFor, tick = 5 * time.Second, time.Millisecond

func waitConfig(maxWait time.Duration, maxPending int) *Config {
	cfg := testConfig()
	cfg.MaxWait, cfg.MaxPending = maxWait, maxPending
	return cfg
}

// eventuallyReceived waits until the sink holds n records.
func (h *harness) eventuallyReceived(n int) {
	h.t.Helper()
	require.Eventually(h.t, func() bool { return h.logs.LogRecordCount() == n }, waitFor, tick)
}

// eventuallyCounted waits until a counter reaches want: the holder counts a batch
// after next has accepted it.
func (h *harness) eventuallyCounted(name string, want int64) {
	h.t.Helper()
	require.Eventually(h.t, func() bool { return h.counter(name) == want }, waitFor, tick,
		"%s: want %d", name, want)
}

func (h *harness) eventuallyArmed(at time.Time) {
	h.t.Helper()
	require.Eventually(h.t, func() bool {
		got, ok := h.clock.armedAt()
		return ok && got.Equal(at)
	}, waitFor, tick)
}

func TestMaxWaitHoldsUntilTheSpanArrives(t *testing.T) {
	h := newHarness(t)
	tp, lp := h.start(waitConfig(time.Minute, 100))
	ctx := context.Background()
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("known", 1))))

	ld := makeLogs("known", "late", "")
	ld.ResourceLogs().At(0).Resource().Attributes().PutStr("cloud.region", "eu-west-1")
	require.NoError(t, lp.ConsumeLogs(ctx, ld))
	assert.Zero(t, h.logs.LogRecordCount(), "a batch with a record to wait for is held whole")

	h.clock.Advance(30 * time.Second)
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("late", 2))))
	h.eventuallyReceived(3)
	require.Len(t, h.logs.AllLogs(), 1, "as one batch")
	assert.Equal(t, traceID(1), stampsOf(h.logs)["known"])
	assert.Equal(t, traceID(2), stampsOf(h.logs)["late"])
	held := h.logs.AllLogs()[0].ResourceLogs().At(0)
	region, _ := held.Resource().Attributes().Get("cloud.region")
	assert.Equal(t, "eu-west-1", region.Str(), "a held record keeps its resource")
	assert.Equal(t, "awscloudtrail", held.ScopeLogs().At(0).Scope().Name(), "and its scope")
	h.eventuallyCounted("processor_awsrequestid_logs_matched", 2)
	assert.Zero(t, h.counter("processor_awsrequestid_logs_unmatched"))
}

func TestMaxWaitPassesOnAtOnceWhatNeedsNoWait(t *testing.T) {
	h := newHarness(t)
	tp, lp := h.start(waitConfig(time.Minute, 100))
	ctx := context.Background()
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("known", 1))))
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("known", "")))
	require.Equal(t, 2, h.logs.LogRecordCount(), "through the caller's call")
	assert.Equal(t, traceID(1), stampsOf(h.logs)["known"])
	assert.Equal(t, int64(1), h.counter("processor_awsrequestid_logs_matched"))
	assert.Zero(t, h.counter("processor_awsrequestid_logs_held"))
}

func TestMaxWaitPassesOnUnstampedWhenDue(t *testing.T) {
	h := newHarness(t)
	_, lp := h.start(waitConfig(time.Minute, 100))
	ctx := context.Background()
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("never")))
	assert.Zero(t, h.logs.LogRecordCount(), "an all-held batch is not passed on")
	h.eventuallyArmed(t0.Add(time.Minute))

	h.clock.Advance(59 * time.Second)
	assert.Zero(t, h.logs.LogRecordCount())
	h.clock.Advance(time.Second)
	h.eventuallyReceived(1)
	assert.True(t, stampsOf(h.logs)["never"].IsEmpty())
	h.eventuallyCounted("processor_awsrequestid_logs_unmatched", 1)
}

func TestMaxWaitStampsWhatArrivedWhenDue(t *testing.T) {
	h := newHarness(t)
	tp, lp := h.start(waitConfig(time.Minute, 100))
	ctx := context.Background()
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("a", "b")))
	h.eventuallyArmed(t0.Add(time.Minute))
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("a", 1))))
	h.clock.Advance(time.Minute)
	h.eventuallyReceived(2)
	stamps := stampsOf(h.logs)
	assert.Equal(t, traceID(1), stamps["a"])
	assert.True(t, stamps["b"].IsEmpty())
	h.eventuallyCounted("processor_awsrequestid_logs_matched", 1)
	h.eventuallyCounted("processor_awsrequestid_logs_unmatched", 1)
}

func TestMaxPendingReleasesTheOldest(t *testing.T) {
	h := newHarness(t)
	_, lp := h.start(waitConfig(time.Minute, 2))
	ctx := context.Background()
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("a", "b")))
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("c")))
	h.eventuallyReceived(2) // a and b make room for c, with no time passing
	assert.Contains(t, stampsOf(h.logs), "a")
	assert.NotContains(t, stampsOf(h.logs), "c")
	h.eventuallyCounted("processor_awsrequestid_logs_unmatched", 2)
}

func TestShutdownPassesOnHeldRecords(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	cfg := waitConfig(time.Minute, 100)
	tp, err := h.factory.CreateTraces(ctx, h.settings(), cfg, consumertest.NewNop())
	require.NoError(t, err)
	lp, err := h.factory.CreateLogs(ctx, h.settings(), cfg, h.logs)
	require.NoError(t, err)
	require.NoError(t, lp.Start(ctx, componenttest.NewNopHost()))
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("a", "b")))
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("a", 1))))
	require.NoError(t, lp.Shutdown(ctx))
	require.NoError(t, tp.Shutdown(ctx))
	assert.Equal(t, 2, h.logs.LogRecordCount())
	assert.Equal(t, traceID(1), stampsOf(h.logs)["a"])
}

func TestShutdownWithoutStartPassesOnHeldRecords(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	lp, err := h.factory.CreateLogs(ctx, h.settings(), waitConfig(time.Minute, 100), h.logs)
	require.NoError(t, err)
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("a")))
	require.NoError(t, lp.Shutdown(ctx))
	assert.Equal(t, 1, h.logs.LogRecordCount())
	require.NoError(t, lp.Start(ctx, componenttest.NewNopHost()), "a start after shutdown starts nothing")
}
