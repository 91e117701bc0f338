// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/testdata"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor/internal/metadatatest"
)

func TestTracesPassUntouched(t *testing.T) {
	h := newHarness(t)
	tp, _ := h.start(testConfig())
	td := testdata.GenerateTraces(3)
	makeTraces(clientSpan("req-1", 1)).ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	want := ptrace.NewTraces()
	td.CopyTo(want)
	td.MarkReadOnly() // MutatesData is false: the processor must not write
	want.MarkReadOnly()
	require.NoError(t, tp.ConsumeTraces(context.Background(), td))
	require.Len(t, h.traces.AllTraces(), 1)
	assert.Equal(t, want, h.traces.AllTraces()[0])
	assert.False(t, tp.Capabilities().MutatesData)
}

func TestLogsGetTheTraceContextOfTheirSpan(t *testing.T) {
	h := newHarness(t)
	tp, lp := h.start(testConfig())
	ctx := context.Background()
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("req-1", 1), clientSpan("req-2", 2),
		span{key: attrRequestIDLegacy, rid: "req-3", trace: 3, kind: ptrace.SpanKindClient},
		span{key: "http.method", rid: "GET", trace: 4})))

	ld := makeLogs("req-1", "req-2", "req-3", "req-unknown", "")
	stamped := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().AppendEmpty()
	stamped.Attributes().PutStr(attrRequestID, "req-1")
	stamped.SetTraceID(traceID(9)) // already has a trace context: left alone
	require.NoError(t, lp.ConsumeLogs(ctx, ld))

	require.Len(t, h.logs.AllLogs(), 1)
	lrs := h.logs.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	require.Equal(t, 6, lrs.Len())
	for i, want := range []byte{1, 2, 3} {
		assert.Equal(t, traceID(want), lrs.At(i).TraceID(), "record %d", i)
		assert.Equal(t, spanID(want), lrs.At(i).SpanID(), "record %d", i)
	}
	assert.True(t, lrs.At(3).TraceID().IsEmpty())
	assert.True(t, lrs.At(4).TraceID().IsEmpty())
	assert.Equal(t, traceID(9), lrs.At(5).TraceID())
	assert.True(t, lrs.At(5).SpanID().IsEmpty())

	assert.Equal(t, int64(3), h.counter("processor_awsrequestid_spans_indexed"))
	assert.Equal(t, int64(3), h.counter("processor_awsrequestid_logs_matched"))
	assert.Equal(t, int64(1), h.counter("processor_awsrequestid_logs_unmatched"))
}

func TestCustomAttributes(t *testing.T) {
	h := newHarness(t)
	cfg := testConfig()
	cfg.SpanAttributes, cfg.LogAttribute = []string{"rid"}, "aws.request_id"
	tp, lp := h.start(cfg)
	ctx := context.Background()
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(span{key: "rid", rid: "a", trace: 1},
		clientSpan("b", 2)))) // aws.request_id is not listed: not indexed
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("a", "b")))
	stamps := stampsOf(h.logs)
	assert.Equal(t, traceID(1), stamps["a"])
	assert.True(t, stamps["b"].IsEmpty())
}

func TestNonStringRequestIDsAreIgnored(t *testing.T) {
	h := newHarness(t)
	tp, lp := h.start(testConfig())
	ctx := context.Background()
	td := makeTraces(span{trace: 1}, clientSpan("ok", 2))
	td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().PutInt(attrRequestID, 7)
	noTrace := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().AppendEmpty()
	noTrace.Attributes().PutStr(attrRequestID, "no-trace-id")
	require.NoError(t, tp.ConsumeTraces(ctx, td))
	assert.Equal(t, int64(1), h.counter("processor_awsrequestid_spans_indexed"))

	ld := makeLogs("ok", "no-trace-id")
	ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().AppendEmpty().Attributes().PutInt(attrRequestID, 7)
	require.NoError(t, lp.ConsumeLogs(ctx, ld))
	assert.Equal(t, int64(1), h.counter("processor_awsrequestid_logs_matched"))
	assert.Equal(t, int64(1), h.counter("processor_awsrequestid_logs_unmatched"))
}

func TestTTLEvictionWithInjectedClock(t *testing.T) {
	h := newHarness(t)
	cfg := testConfig()
	cfg.TTL = 30 * time.Minute
	tp, lp := h.start(cfg)
	ctx := context.Background()
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("early", 1))))
	h.clock.Advance(20 * time.Minute)
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("late", 2))))
	h.clock.Advance(10 * time.Minute) // "early" is 30 minutes old: gone
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("early", "late")))
	stamps := stampsOf(h.logs)
	assert.True(t, stamps["early"].IsEmpty())
	assert.Equal(t, traceID(2), stamps["late"])
	metadatatest.AssertEqualProcessorAwsrequestidEntriesEvicted(t, h.tel,
		[]metricdata.DataPoint[int64]{{Value: 1, Attributes: attribute.NewSet(attribute.String("reason", "ttl"))}},
		metricdatatest.IgnoreTimestamp())
}

func TestMaxEntriesEvictsOldest(t *testing.T) {
	h := newHarness(t)
	cfg := testConfig()
	cfg.MaxEntries = 2
	tp, lp := h.start(cfg)
	ctx := context.Background()
	for i, rid := range []string{"a", "b", "c"} {
		require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan(rid, byte(i+1)))))
		h.clock.Advance(time.Second)
	}
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("a", "b", "c")))
	stamps := stampsOf(h.logs)
	assert.True(t, stamps["a"].IsEmpty())
	assert.Equal(t, traceID(2), stamps["b"])
	assert.Equal(t, traceID(3), stamps["c"])
	assert.Equal(t, int64(1), h.counter("processor_awsrequestid_entries_evicted", "reason", "max_entries"))
	assert.Zero(t, h.counter("processor_awsrequestid_entries_evicted", "reason", "ttl"))
}

func TestBothPipelinesShareOneIndex(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	shared, other := testConfig(), testConfig() // two component IDs with equal settings
	tp, err := h.factory.CreateTraces(ctx, h.settings(), shared, consumertest.NewNop())
	require.NoError(t, err)
	lpShared, err := h.factory.CreateLogs(ctx, h.settings(), shared, h.logs)
	require.NoError(t, err)
	otherSink := new(consumertest.LogsSink)
	lpOther, err := h.factory.CreateLogs(ctx, h.settings(), other, otherSink)
	require.NoError(t, err)
	assert.Equal(t, 2, h.f.indexes.len())
	components := []component.Component{tp, lpShared, lpOther}
	for _, c := range components {
		require.NoError(t, c.Start(ctx, componenttest.NewNopHost()))
	}

	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("req", 1))))
	require.NoError(t, lpShared.ConsumeLogs(ctx, makeLogs("req")))
	require.NoError(t, lpOther.ConsumeLogs(ctx, makeLogs("req")))
	assert.Equal(t, traceID(1), stampsOf(h.logs)["req"])
	assert.Equal(t, pcommon.TraceID{}, stampsOf(otherSink)["req"])

	for _, c := range components {
		require.NoError(t, c.Shutdown(ctx))
		require.NoError(t, c.Shutdown(ctx), "Shutdown twice is safe")
	}
	assert.Zero(t, h.f.indexes.len(), "the last processor of a config frees its index")
}

func TestIndexSurvivesOnePipelineShutdown(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	cfg := testConfig()
	tp, err := h.factory.CreateTraces(ctx, h.settings(), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan("req", 1))))
	lp, err := h.factory.CreateLogs(ctx, h.settings(), cfg, h.logs)
	require.NoError(t, err)
	require.NoError(t, tp.Shutdown(ctx))
	require.NoError(t, lp.ConsumeLogs(ctx, makeLogs("req")))
	assert.Equal(t, traceID(1), stampsOf(h.logs)["req"])
	require.NoError(t, lp.Shutdown(ctx))
	assert.Zero(t, h.f.indexes.len())

	lp2, err := h.factory.CreateLogs(ctx, h.settings(), cfg, h.logs) // after a reload: a new index
	require.NoError(t, err)
	h.logs.Reset()
	require.NoError(t, lp2.ConsumeLogs(ctx, makeLogs("req")))
	assert.True(t, stampsOf(h.logs)["req"].IsEmpty())
	require.NoError(t, lp2.Shutdown(ctx))
}
