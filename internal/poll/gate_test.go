// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"fmt"
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
	for {
		if old := p.peak.Load(); n <= old || p.peak.CompareAndSwap(old, n) {
			break
		}
	}
	select {
	case <-p.pass:
		return cloudtrail.Page{}, nil
	case <-ctx.Done():
		return cloudtrail.Page{}, ctx.Err()
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
