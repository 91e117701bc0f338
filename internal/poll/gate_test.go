// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// parkedSource holds every slice query until the test lets one through, and counts the
// queries waiting at once. The clock probe (Start == End) is answered at once.
type parkedSource struct {
	waiting, peak atomic.Int32
	pass          chan struct{}
}

func (p *parkedSource) Lookup(ctx context.Context, q cloudtrail.Query, _ string) (cloudtrail.Page, error) {
	if q.Start.Equal(q.End) {
		return cloudtrail.Page{}, nil
	}
	n := p.waiting.Add(1)
	defer p.waiting.Add(-1)
	notePeak(&p.peak, n)
	select {
	case <-p.pass:
		return cloudtrail.Page{}, nil
	case <-ctx.Done():
		return cloudtrail.Page{}, ctx.Err()
	}
}

// notePeak raises peak to n, if n is higher.
func notePeak(peak *atomic.Int32, n int32) {
	for old := peak.Load(); n > old && !peak.CompareAndSwap(old, n); old = peak.Load() {
	}
}

// pollAll polls one stream per event source over src, all at once, sharing gate.
func pollAll(ctx context.Context, t *testing.T, src Source, gate *Gate, streams int) chan error {
	t.Helper()
	errs := make(chan error, streams)
	store := checkpoint.NewMemoryStore()
	for i := range streams {
		set := Settings{Region: "us-east-1", EventSource: fmt.Sprintf("s%d.amazonaws.com", i),
			MaxEventDelay: time.Minute, Start: time.Now().Add(-time.Minute)}
		s := NewStream(set, Deps{Source: src, Next: new(consumertest.LogsSink), Store: store, Gate: gate})
		go func() { errs <- s.Poll(ctx) }()
	}
	return errs
}

func TestGateBoundsStreamsReadingAtOnce(t *testing.T) {
	const streams, places = 12, 3
	src := &parkedSource{pass: make(chan struct{})}
	gate := NewGate(places)
	errs := pollAll(context.Background(), t, src, gate, streams)

	require.Eventually(t, func() bool { return src.waiting.Load() == places }, 5*time.Second, time.Millisecond)
	for range streams { // let the slices through one by one: the next stream enters as one leaves
		src.pass <- struct{}{}
	}
	for range streams {
		require.NoError(t, <-errs)
	}
	assert.Equal(t, int32(places), src.peak.Load(), "never more streams reading than the gate's places")
	assert.Zero(t, gate.InUse(), "every place is given back")
}

func TestWithoutGateEveryStreamReads(t *testing.T) {
	const streams = 12
	src := &parkedSource{pass: make(chan struct{})}
	errs := pollAll(context.Background(), t, src, nil, streams)
	require.Eventually(t, func() bool { return src.waiting.Load() == streams }, 5*time.Second, time.Millisecond)
	close(src.pass)
	for range streams {
		require.NoError(t, <-errs)
	}
}

func TestStreamWaitingAtGateLeavesOnCancel(t *testing.T) {
	src := &parkedSource{pass: make(chan struct{})}
	gate := NewGate(1)
	ctx, cancel := context.WithCancel(context.Background())
	errs := pollAll(ctx, t, src, gate, 2)
	require.Eventually(t, func() bool { return src.waiting.Load() == 1 }, 5*time.Second, time.Millisecond)
	cancel() // one stream is inside (parked in Lookup), the other waits at the gate
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); assert.ErrorIs(t, <-errs, context.Canceled) }()
	}
	wg.Wait()
	assert.Zero(t, gate.InUse())
	assert.Equal(t, 1, gate.Size())
}

// deepSource answers like fewEventsSource after growing the caller's stack to about
// 64 KiB, as the SDK's middleware and JSON decoding do.
type deepSource struct{ fewEventsSource }

//go:noinline
func deepen(n int) byte {
	var pad [512]byte
	pad[n%len(pad)] = byte(n)
	if n == 0 {
		return pad[0]
	}
	return deepen(n-1) + pad[n%len(pad)]
}

func (d deepSource) Lookup(ctx context.Context, q cloudtrail.Query, token string) (cloudtrail.Page, error) {
	_ = deepen(100) // about 100 x 560 bytes of stack
	return d.fewEventsSource.Lookup(ctx, q, token)
}

// A stream's reads run on goroutines of the gate's places, not on the stream's own: the
// stacks the reads grow are dropped with them, so 200 streams that have read and now
// wait keep small stacks, not 200 grown ones (the garbage collector, which would shrink
// them in time, is off here to see what they hold between two collections).
func TestStreamsKeepNoReadStacks(t *testing.T) {
	const streams = 200
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	gate := NewGate(4)
	store := checkpoint.NewMemoryStore()
	release := make(chan struct{})
	var polled sync.WaitGroup
	now := time.Now()
	for i := range streams {
		set := Settings{Region: "us-east-1", EventSource: fmt.Sprintf("s%d.amazonaws.com", i),
			MaxEventDelay: time.Minute, Start: now.Add(-time.Minute)}
		s := NewStream(set, Deps{Source: deepSource{}, Next: new(consumertest.LogsSink), Store: store, Gate: gate})
		polled.Add(1)
		go func() {
			assert.NoError(t, s.Poll(context.Background()))
			polled.Done()
			<-release // the stream waits for its next poll
		}()
	}
	polled.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	close(release)
	grown := int64(after.StackInuse) - int64(before.StackInuse)
	t.Logf("stacks of %d waiting streams: %d KiB", streams, grown>>10)
	assert.Less(t, grown, int64(streams*16<<10), "the waiting streams hold no grown stacks")
}

func TestDeliverySize(t *testing.T) {
	for n, want := range map[int]int{1: 1, 3: 3, 4: 4, 8: 4, 31: 4, 32: 4, 64: 8, 100: 12} {
		assert.Equal(t, want, NewGate(n).DeliverySize(), "%d places", n)
	}
}
