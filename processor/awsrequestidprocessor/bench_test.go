// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
)

const (
	benchBatch   = 100     // spans or records per Consume call
	benchEntries = 100_000 // the default max_entries
)

// requestIDs returns n distinct request IDs shaped like AWS's (a UUID, 36 bytes).
func requestIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%08x-1f2e-4d3c-8b4a-%012x", i, i*7919)
	}
	return ids
}

func benchTraces(rids []string) []ptrace.Traces {
	var out []ptrace.Traces
	for start := 0; start < len(rids); start += benchBatch {
		td := ptrace.NewTraces()
		spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
		for i, rid := range rids[start:min(start+benchBatch, len(rids))] {
			sp := spans.AppendEmpty()
			sp.SetName("LookoutMetrics.DescribeAnomalyDetector")
			sp.SetKind(ptrace.SpanKindClient)
			sp.SetTraceID(pcommon.TraceID{byte(i), byte(start), byte(start >> 8), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})
			sp.SetSpanID(pcommon.SpanID{byte(i), 1, 2, 3, 4, 5, 6, 7})
			sp.Attributes().PutStr("rpc.system.name", "aws-api")
			sp.Attributes().PutStr("rpc.method", "LookoutMetrics/DescribeAnomalyDetector")
			sp.Attributes().PutStr("aws.region", "us-east-1")
			sp.Attributes().PutInt("http.response.status_code", 200)
			sp.Attributes().PutStr(attrRequestID, rid)
		}
		out = append(out, td)
	}
	return out
}

// BenchmarkIndexSpans is the cost of one span indexed, through the whole processor
// (processorhelper included), in a full index: every insert evicts the oldest entry.
func BenchmarkIndexSpans(b *testing.B) {
	cfg := testConfig()
	tp, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(typ), cfg, consumertest.NewNop())
	require.NoError(b, err)
	defer func() { require.NoError(b, tp.Shutdown(context.Background())) }()
	// Two index-fulls of request IDs, used in turn: once the first fills the index, each
	// span of the other is new and evicts the oldest entry.
	batches := benchTraces(requestIDs(2 * benchEntries))
	half := len(batches) / 2
	for _, td := range batches[:half] {
		require.NoError(b, tp.ConsumeTraces(context.Background(), td))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := tp.ConsumeTraces(context.Background(), batches[(half+i)%len(batches)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBatch), "ns/span")
}

// BenchmarkStampLogs is the cost of one log record stamped, through the whole
// processor, with a full index. Each call first clears the trace context it set before.
func BenchmarkStampLogs(b *testing.B) {
	ctx := context.Background()
	f := NewFactory()
	cfg := testConfig()
	set := processortest.NewNopSettings(typ)
	tp, err := f.CreateTraces(ctx, set, cfg, consumertest.NewNop())
	require.NoError(b, err)
	lp, err := f.CreateLogs(ctx, set, cfg, consumertest.NewNop())
	require.NoError(b, err)
	defer func() { require.NoError(b, tp.Shutdown(ctx)); require.NoError(b, lp.Shutdown(ctx)) }()
	rids := requestIDs(benchEntries)
	for _, td := range benchTraces(rids) {
		require.NoError(b, tp.ConsumeTraces(ctx, td))
	}
	batches := benchLogs(rids[:100*benchBatch])
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ld := batches[i%len(batches)]
		for _, lr := range ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().All() {
			lr.SetTraceID(pcommon.TraceID{})
		}
		if err := lp.ConsumeLogs(ctx, ld); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBatch), "ns/record")
}

func benchLogs(rids []string) []plog.Logs {
	var out []plog.Logs
	for start := 0; start < len(rids); start += benchBatch {
		out = append(out, makeLogs(rids[start:min(start+benchBatch, len(rids))]...))
	}
	return out
}

// BenchmarkIndexBytesPerEntry measures the heap that an index of 100,000 entries holds,
// request IDs included, and reports it per entry.
func BenchmarkIndexBytesPerEntry(b *testing.B) {
	rids := requestIDs(benchEntries)
	var perEntry float64
	for i := 0; i < b.N; i++ {
		before := heapInUse()
		x := newIndex(testConfig().TTL, benchEntries)
		for j, rid := range rids {
			x.put(0, rid, ids{trace: traceID(byte(j)), span: spanID(byte(j)), client: true})
		}
		perEntry = float64(heapInUse()-before) / benchEntries
		runtime.KeepAlive(x)
	}
	b.ReportMetric(perEntry, "bytes/entry")
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
