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
