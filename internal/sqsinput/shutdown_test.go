// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
)

// failingQueue refuses every ReceiveMessage.
type failingQueue struct{ receives atomic.Int32 }

func (q *failingQueue) Receive(context.Context, int, time.Duration, time.Duration) ([]Delivery, error) {
	q.receives.Add(1)
	return nil, errors.New("throttled")
}
func (*failingQueue) Delete(context.Context, string) error { return nil }
func (*failingQueue) ChangeVisibility(context.Context, string, time.Duration) error {
	return nil
}

// Shutdown while the input waits (on the real clock) before retrying a failed
// ReceiveMessage returns at once.
func TestShutdownDuringReceiveBackoff(t *testing.T) {
	q := &failingQueue{}
	in := New(defaultSettings(), Deps{Queue: q, Next: &recordingConsumer{}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); in.Run(ctx) }()
	requireEventually(t, func() bool { return q.receives.Load() >= 1 }, "a receive failed")
	start := time.Now()
	cancel()
	<-done
	assert.Less(t, time.Since(start), 5*time.Second)
}

// blockingConsumer holds every batch until its context ends.
type blockingConsumer struct{ entered chan struct{} }

func (blockingConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (c blockingConsumer) ConsumeLogs(ctx context.Context, _ plog.Logs) error {
	close(c.entered)
	<-ctx.Done()
	return ctx.Err()
}

// Shutdown while the pipeline holds a batch returns at once and gives the message back.
func TestShutdownWhileThePipelineHoldsABatch(t *testing.T) {
	q := newFakeQueue()
	c := blockingConsumer{entered: make(chan struct{})}
	in := New(defaultSettings(), Deps{Queue: q, Next: c})
	q.put("m1", string(readMessage(t, "eventbridge-api-call.json")))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); in.Run(ctx) }()
	<-c.entered
	start := time.Now()
	cancel()
	<-done
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Empty(t, q.deletedIDs())
	assert.Contains(t, q.visibility(), visCall{"rh-m1", 0})
}

// hangingFirstReceive hangs its first ReceiveMessage until the call's context ends (a
// server that never answers), then hands out what the fake queue holds.
type hangingFirstReceive struct {
	*fakeQueue
	calls atomic.Int32
}

func (q *hangingFirstReceive) Receive(ctx context.Context, n int, wait, vis time.Duration) ([]Delivery, error) {
	if q.calls.Add(1) == 1 {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return q.fakeQueue.Receive(ctx, n, wait, vis)
}

// A ReceiveMessage that never gets an answer is given up after the long poll's wait and
// ReadIdleTimeout, and the input goes on; it does not wait forever.
func TestReceiveWithoutAnswerIsGivenUp(t *testing.T) {
	set := defaultSettings()
	set.WaitTime, set.ReadIdleTimeout = 0, 50*time.Millisecond
	q := &hangingFirstReceive{fakeQueue: newFakeQueue()}
	metrics := &countMetrics{}
	in := New(set, Deps{Queue: q, Next: &recordingConsumer{}, Metrics: metrics,
		After: func(time.Duration) <-chan time.Time { c := make(chan time.Time, 1); c <- time.Time{}; return c }})
	q.put("m1", string(readMessage(t, "eventbridge-api-call.json")))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); in.Run(ctx) }()
	defer func() { cancel(); <-done }()
	requireEventually(t, func() bool { return metrics.get("message eventbridge_cloudtrail deleted") == 1 }, "the message handled after the hung call")
}

// A DeleteMessage that never gets an answer is given up after ReadIdleTimeout: the
// worker is freed (the message comes back and its records are duplicates).
func TestDeleteWithoutAnswerIsGivenUp(t *testing.T) {
	set := defaultSettings()
	set.ReadIdleTimeout = 50 * time.Millisecond
	h := startInput(t, set, &recordingConsumer{})
	entered := make(chan struct{})
	h.q.mu.Lock()
	h.q.deleteEntered, h.q.deleteGate = entered, make(chan struct{}) // never opens
	h.q.mu.Unlock()
	h.q.put("m1", string(readMessage(t, "eventbridge-api-call.json")))
	<-entered
	requireEventually(t, func() bool { return h.metrics.get("message eventbridge_cloudtrail retry") == 1 }, "the delete given up")
	assert.Empty(t, h.q.deletedIDs())
}
