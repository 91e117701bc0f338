// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// fakeClock is a clock whose time moves only by Advance, which fires the timers due.
// Its monotonic reading starts at 0, which stands for t0 on the wall clock; StepWall
// moves the wall clock alone.
type fakeClock struct {
	mu     sync.Mutex
	mono   time.Duration
	wall   time.Time
	timers []*fakeTimer
}

func newFakeClock() *fakeClock { return &fakeClock{wall: t0} }

func (c *fakeClock) Now() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mono
}

func (c *fakeClock) NewTimer() timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clock: c, ch: make(chan time.Time, 1)}
	c.timers = append(c.timers, t)
	return t
}

// StepWall moves the wall clock only, as an NTP step or an operator does; the
// monotonic reading, the only one the processor may use, does not move.
func (c *fakeClock) StepWall(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wall = c.wall.Add(d)
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mono += d
	c.wall = c.wall.Add(d)
	for _, t := range c.timers {
		if t.armed && t.at <= c.mono {
			t.armed = false
			select {
			case t.ch <- c.wall:
			default:
			}
		}
	}
}

// armedAt reports the deadline of the first armed timer, as a time after t0.
func (c *fakeClock) armedAt() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.timers {
		if t.armed {
			return t0.Add(t.at), true
		}
	}
	return time.Time{}, false
}

type fakeTimer struct {
	clock *fakeClock
	ch    chan time.Time
	at    time.Duration
	armed bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Reset(d time.Duration) {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	t.at, t.armed = t.clock.mono+d, d > 0
	if d <= 0 {
		select {
		case t.ch <- t.clock.wall:
		default:
		}
	}
}

func (t *fakeTimer) Stop() {
	t.clock.mu.Lock()
	t.armed = false
	t.clock.mu.Unlock()
}

// harness is one factory with its telemetry, clock and sinks.
type harness struct {
	t       *testing.T
	clock   *fakeClock
	f       *factory
	factory processor.Factory
	tel     *componenttest.Telemetry
	traces  *consumertest.TracesSink
	logs    *consumertest.LogsSink
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, clock: newFakeClock(), tel: componenttest.NewTelemetry(),
		traces: new(consumertest.TracesSink), logs: new(consumertest.LogsSink)}
	h.f = newFactory(h.clock)
	h.factory = h.f.processorFactory()
	t.Cleanup(func() { require.NoError(t, h.tel.Shutdown(context.Background())) })
	return h
}

func (h *harness) settings() processor.Settings {
	set := processortest.NewNopSettings(typ)
	set.TelemetrySettings = h.tel.NewTelemetrySettings()
	return set
}

// start creates and starts a traces and a logs processor of cfg, shut down at cleanup.
func (h *harness) start(cfg *Config) (processor.Traces, processor.Logs) {
	ctx := context.Background()
	tp, err := h.factory.CreateTraces(ctx, h.settings(), cfg, h.traces)
	require.NoError(h.t, err)
	lp, err := h.factory.CreateLogs(ctx, h.settings(), cfg, h.logs)
	require.NoError(h.t, err)
	require.NoError(h.t, tp.Start(ctx, componenttest.NewNopHost()))
	require.NoError(h.t, lp.Start(ctx, componenttest.NewNopHost()))
	h.t.Cleanup(func() {
		require.NoError(h.t, tp.Shutdown(ctx))
		require.NoError(h.t, lp.Shutdown(ctx))
	})
	return tp, lp
}

// counter returns the sum of a telemetry counter, 0 when it was never recorded.
func (h *harness) counter(name string, attrs ...string) int64 {
	m, err := h.tel.GetMetric("otelcol_" + name)
	if err != nil {
		return 0
	}
	var sum int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if len(attrs) == 2 {
			if v, ok := dp.Attributes.Value(attribute.Key(attrs[0])); !ok || v.AsString() != attrs[1] {
				continue
			}
		}
		sum += dp.Value
	}
	return sum
}

func traceID(b byte) pcommon.TraceID {
	return pcommon.TraceID{b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
}
func spanID(b byte) pcommon.SpanID { return pcommon.SpanID{b, 1, 2, 3, 4, 5, 6, 7} }

// span describes one span of makeTraces.
type span struct {
	key, rid string
	trace    byte
	kind     ptrace.SpanKind
}

func makeTraces(spans ...span) ptrace.Traces {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
	for _, s := range spans {
		sp := ss.Spans().AppendEmpty()
		sp.SetName("LookoutMetrics.CreateAnomalyDetector")
		sp.SetTraceID(traceID(s.trace))
		sp.SetSpanID(spanID(s.trace))
		sp.SetKind(s.kind)
		if s.key != "" {
			sp.Attributes().PutStr(s.key, s.rid)
		}
	}
	return td
}

func clientSpan(rid string, b byte) span {
	return span{key: attrRequestID, rid: rid, trace: b, kind: ptrace.SpanKindClient}
}

// makeLogs returns one record per request ID ("" adds no attribute), in one resource.
func makeLogs(rids ...string) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("cloud.provider", "aws")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("awscloudtrail")
	for _, rid := range rids {
		lr := sl.LogRecords().AppendEmpty()
		lr.Body().SetStr("event " + rid)
		if rid != "" {
			lr.Attributes().PutStr(attrRequestID, rid)
		}
	}
	return ld
}

// stampsOf returns, per request ID of the records the sink received, its trace ID
// (the zero ID for none).
func stampsOf(sink *consumertest.LogsSink) map[string]pcommon.TraceID {
	out := map[string]pcommon.TraceID{}
	for _, ld := range sink.AllLogs() {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					rid, _ := lr.Attributes().Get(attrRequestID)
					out[rid.Str()] = lr.TraceID()
				}
			}
		}
	}
	return out
}

func testConfig() *Config {
	return createDefaultConfig().(*Config)
}
