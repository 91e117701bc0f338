// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
)

// TestPropertyEveryRecordDeliveredOnce runs random interleavings of log batches, spans
// (before and after their records) and clock steps through the processor with max_wait
// on, in front of a next consumer that refuses at random (retryably), behind a caller
// that re-sends each batch until it is accepted, as the receiver does. Whatever the
// interleaving: every record reaches next exactly once, a stamped record carries its
// own span's IDs, a record whose span was indexed before its batch is stamped, and
// nothing is held after Shutdown.
func TestPropertyEveryRecordDeliveredOnce(t *testing.T) {
	for seed := range uint64(24) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runProperty(t, seed) })
	}
}

const (
	attrSeq  = "test.seq"
	maxBatch = 6 // records per batch at most
)

type propertyRun struct {
	t    *testing.T
	rng  *rand.Rand
	h    *harness
	tp   processor.Traces
	lp   processor.Logs
	ctx  context.Context
	seq  int
	late []string // request IDs whose spans are still to come

	maxPending int

	mu        sync.Mutex     // guards what next reads too
	nextRng   *rand.Rand     // next's choices
	spans     map[string]int // request ID -> the number of its span's IDs
	delivered map[int]int    // seq -> times next accepted it
	refuse    float64
	failures  []string
}

// spanIDs are the trace and span IDs of span n.
func spanIDs(n int) (pcommon.TraceID, pcommon.SpanID) {
	var tr pcommon.TraceID
	var sp pcommon.SpanID
	binary.BigEndian.PutUint64(tr[8:], uint64(n)+1)
	binary.BigEndian.PutUint64(sp[:], uint64(n)+1)
	return tr, sp
}

func runProperty(t *testing.T, seed uint64) {
	r := &propertyRun{t: t, rng: rand.New(rand.NewPCG(seed, 0x5eed)), h: newHarness(t), ctx: context.Background(),
		nextRng: rand.New(rand.NewPCG(seed, 0xbad)), spans: map[string]int{}, delivered: map[int]int{}}
	r.refuse = []float64{0, 0.2, 0.5}[seed%3]
	cfg := testConfig()
	cfg.TTL = maxTTL // no entry expires during a run: a known span must stamp
	cfg.MaxWait = time.Duration(1+r.rng.IntN(120)) * time.Second
	cfg.MaxPending = 1 + r.rng.IntN(12)
	r.maxPending = cfg.MaxPending
	var err error
	r.tp, err = r.h.factory.CreateTraces(r.ctx, r.h.settings(), cfg, consumertest.NewNop())
	require.NoError(t, err)
	next, err := consumer.NewLogs(r.next)
	require.NoError(t, err)
	r.lp, err = r.h.factory.CreateLogs(r.ctx, r.h.settings(), cfg, next)
	require.NoError(t, err)
	require.NoError(t, r.tp.Start(r.ctx, componenttest.NewNopHost()))
	require.NoError(t, r.lp.Start(r.ctx, componenttest.NewNopHost()))

	for range 150 {
		switch op := r.rng.IntN(10); {
		case op < 5:
			r.sendLogs()
		case op < 8:
			r.sendLateSpans()
		default:
			r.h.clock.Advance(time.Duration(r.rng.Int64N(int64(cfg.MaxWait))))
		}
	}
	r.late = r.late[:len(r.late)/2] // some spans come after their records were due
	r.sendLateSpans()

	// Shutdown delivers what is held, retrying refusals while the clock moves.
	done := make(chan error, 1)
	go func() { done <- r.lp.Shutdown(r.ctx) }()
	var shutdownErr error
	require.Eventually(t, func() bool {
		select {
		case shutdownErr = <-done:
			return true
		default:
			r.h.clock.Advance(time.Second)
			return false
		}
	}, waitFor, tick, "Shutdown returns once next accepted everything")
	require.NoError(t, shutdownErr)
	require.NoError(t, r.tp.Shutdown(r.ctx))

	r.mu.Lock()
	defer r.mu.Unlock()
	assert.Empty(t, r.failures)
	for s := range r.seq {
		require.Equal(t, 1, r.delivered[s], "record %d (seed %d) delivered %d times", s, seed, r.delivered[s])
	}
	assert.Len(t, r.delivered, r.seq)
	assert.Zero(t, r.h.counter("processor_awsrequestid_logs_held"), "nothing is held after Shutdown")
	assert.Zero(t, r.h.counter("processor_awsrequestid_logs_dropped"))
	require.Error(t, r.lp.ConsumeLogs(r.ctx, makeLogs("after")), "refused after Shutdown")
}

// next accepts or refuses (retryably) at random and checks every record it accepts.
func (r *propertyRun) next(_ context.Context, ld plog.Logs) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.nextRng.Float64() < r.refuse {
		return errors.New("queue full")
	}
	r.check(ld)
	return nil
}

// check counts the records next accepted and checks their stamps. The caller holds mu.
func (r *propertyRun) check(ld plog.Logs) {
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				seq, _ := lr.Attributes().Get(attrSeq)
				r.delivered[int(seq.Int())]++
				rid, _ := lr.Attributes().Get(attrRequestID)
				must, _ := lr.Attributes().Get("test.must_stamp")
				n, traced := r.spans[rid.Str()]
				tr, sp := spanIDs(n)
				switch {
				case !lr.TraceID().IsEmpty() && (!traced || lr.TraceID() != tr || lr.SpanID() != sp):
					r.failures = append(r.failures, fmt.Sprintf("record %d (%q) stamped with another span", seq.Int(), rid.Str()))
				case lr.TraceID().IsEmpty() && must.Bool():
					r.failures = append(r.failures, fmt.Sprintf("record %d (%q) unstamped, its span was indexed first", seq.Int(), rid.Str()))
				}
			}
		}
	}
}

// sendLogs sends a batch of 1 to 6 records: untraced, traced with the span already
// indexed, traced with the span to come, or without a request ID; it re-sends it until
// the processor accepts it.
func (r *propertyRun) sendLogs() {
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for range 1 + r.rng.IntN(maxBatch) {
		lr := lrs.AppendEmpty()
		lr.Attributes().PutInt(attrSeq, int64(r.seq))
		rid := fmt.Sprintf("rid-%d", r.seq)
		switch r.rng.IntN(4) {
		case 0: // untraced
			lr.Attributes().PutStr(attrRequestID, rid)
		case 1: // its span was indexed first
			r.sendSpan(rid)
			lr.Attributes().PutStr(attrRequestID, rid)
			lr.Attributes().PutBool("test.must_stamp", true)
		case 2: // its span comes later
			r.late = append(r.late, rid)
			lr.Attributes().PutStr(attrRequestID, rid)
		}
		r.seq++
	}
	for attempt := 0; ; attempt++ {
		require.Less(r.t, attempt, 100, "the processor accepts the batch at last")
		batch := ld
		if r.rng.IntN(2) == 0 { // a fresh copy, as a receiver reads it again
			batch = plog.NewLogs()
			ld.CopyTo(batch)
		}
		if r.consume(batch) == nil {
			held := r.h.counter("processor_awsrequestid_logs_held")
			require.LessOrEqual(r.t, held, int64(max(r.maxPending, maxBatch)),
				"held records are bounded: max_pending, or one larger batch alone")
			return
		}
		r.h.clock.Advance(time.Duration(r.rng.IntN(3)) * time.Second)
	}
}

// consume calls ConsumeLogs, moving the clock while the call waits for room.
func (r *propertyRun) consume(ld plog.Logs) error {
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	if r.rng.IntN(4) == 0 {
		cancel() // a caller that does not wait for room
	}
	done := make(chan error, 1)
	go func() { done <- r.lp.ConsumeLogs(ctx, ld) }()
	var err error
	require.Eventually(r.t, func() bool {
		select {
		case err = <-done:
			return true
		default:
			r.h.clock.Advance(time.Second)
			return false
		}
	}, waitFor, time.Millisecond)
	return err
}

// sendSpan indexes the client span of the call of rid.
func (r *propertyRun) sendSpan(rid string) { r.sendSpans([]string{rid}) }

// sendLateSpans sends the spans of a random part of the records that wait for them.
func (r *propertyRun) sendLateSpans() {
	r.rng.Shuffle(len(r.late), func(i, j int) { r.late[i], r.late[j] = r.late[j], r.late[i] })
	n := r.rng.IntN(len(r.late) + 1)
	r.sendSpans(r.late[:n])
	r.late = r.late[n:]
}

func (r *propertyRun) sendSpans(rids []string) {
	if len(rids) == 0 {
		return
	}
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	r.mu.Lock()
	for _, rid := range rids {
		n := len(r.spans)
		r.spans[rid] = n
		tr, sp := spanIDs(n)
		span := spans.AppendEmpty()
		span.SetTraceID(tr)
		span.SetSpanID(sp)
		span.SetKind(ptrace.SpanKindClient)
		span.Attributes().PutStr(attrRequestID, rid)
	}
	r.mu.Unlock()
	require.NoError(r.t, r.tp.ConsumeTraces(r.ctx, td))
}

// TestConcurrentCallersDeliverOnce has several callers and a span source at once, with
// a next consumer that refuses every third call: each record reaches next exactly once.
func TestConcurrentCallersDeliverOnce(t *testing.T) {
	h := newHarness(t)
	cfg := testConfig()
	cfg.MaxWait, cfg.MaxPending = 10*time.Second, 8
	var (
		mu    sync.Mutex
		calls int
		got   = map[string]int{}
	)
	next, err := consumer.NewLogs(func(_ context.Context, ld plog.Logs) error {
		mu.Lock()
		defer mu.Unlock()
		if calls++; calls%3 == 0 {
			return errors.New("queue full")
		}
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					rid, _ := lr.Attributes().Get(attrRequestID)
					got[rid.Str()]++
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	ctx := context.Background()
	tp, err := h.factory.CreateTraces(ctx, h.settings(), cfg, consumertest.NewNop())
	require.NoError(t, err)
	lp, err := h.factory.CreateLogs(ctx, h.settings(), cfg, next)
	require.NoError(t, err)
	require.NoError(t, tp.Start(ctx, componenttest.NewNopHost()))
	require.NoError(t, lp.Start(ctx, componenttest.NewNopHost()))

	const callers, batches = 6, 40
	var wg sync.WaitGroup
	for c := range callers {
		wg.Go(func() {
			for b := range batches {
				rids := []string{fmt.Sprintf("c%d-b%d-0", c, b), fmt.Sprintf("c%d-b%d-1", c, b)}
				for lp.ConsumeLogs(ctx, makeLogs(rids...)) != nil {
				}
			}
		})
	}
	wg.Go(func() { // spans for every other record, sent while the records come
		for b := range batches {
			for c := range callers {
				assert.NoError(t, tp.ConsumeTraces(ctx, makeTraces(clientSpan(fmt.Sprintf("c%d-b%d-0", c, b), byte(c)))))
			}
		}
	})
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	require.Eventually(t, func() bool {
		select {
		case <-done:
			return true
		default:
			h.clock.Advance(time.Second) // deadlines and back-offs
			return false
		}
	}, 4*waitFor, tick)
	shut := make(chan error, 1)
	go func() { shut <- lp.Shutdown(ctx) }()
	require.Eventually(t, func() bool {
		select {
		case err = <-shut:
			return true
		default:
			h.clock.Advance(time.Second)
			return false
		}
	}, waitFor, tick)
	require.NoError(t, err)
	require.NoError(t, tp.Shutdown(ctx))
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, callers*batches*2)
	for rid, n := range got {
		require.Equal(t, 1, n, rid)
	}
	assert.Zero(t, h.counter("processor_awsrequestid_logs_held"))
}
