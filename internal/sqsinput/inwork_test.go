// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

// heldObjects holds the first Open until hold is closed, and counts the Opens of one key
// in flight at once.
type heldObjects struct {
	Objects
	hold   chan struct{}
	opened chan struct{} // closed at the first Open

	mu                sync.Mutex
	open, peak, total int
	first             bool
}

func (o *heldObjects) Open(ctx context.Context, obj Object) (io.ReadCloser, error) {
	o.mu.Lock()
	o.open++
	o.total++
	o.peak = max(o.peak, o.open)
	first := !o.first
	o.first = true
	o.mu.Unlock()
	defer func() { o.mu.Lock(); o.open--; o.mu.Unlock() }()
	if first {
		close(o.opened)
		<-o.hold
	}
	return o.Objects.Open(ctx, obj)
}

func (o *heldObjects) peakOpen() int { o.mu.Lock(); defer o.mu.Unlock(); return o.peak }

func (o *heldObjects) opens() int { o.mu.Lock(); defer o.mu.Unlock(); return o.total }

// Two messages naming one object (S3's notification and SNS's copy) reach two workers at
// once: the second waits for the first to finish the object, then finds every record in
// the index, so each record is emitted once.
func TestOneObjectInTwoMessagesAtOnceIsEmittedOnce(t *testing.T) {
	set := defaultSettings() // two workers
	set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	objects := &heldObjects{hold: make(chan struct{}), opened: make(chan struct{})}
	h := startInputWith(t, set, &recordingConsumer{}, objects)
	objects.Objects = NewS3Objects(testAWSConfig(), h.s3.URL, "us-east-1")
	key := trailKey("123456789012", "us-east-1", "twice")
	h.s3.put(bucket, "us-east-1", key, []byte(`{"Records":[{"eventID":"3038ebd2-c98a-4c65-9b6e-e22506292313","eventSource":"ec2.amazonaws.com"},`+
		`{"eventID":"4038ebd2-c98a-4c65-9b6e-e22506292313","eventSource":"ec2.amazonaws.com"}]}`))
	body := fmt.Sprintf(`{"s3Bucket":%q,"s3ObjectKey":[%q]}`, bucket, key)
	h.q.put("m1", body)
	<-objects.opened // the first worker is inside the object
	h.q.put("m2", body)
	<-h.tickers // each message's heartbeat: both are in work
	<-h.tickers
	assert.Never(t, func() bool { return objects.opens() > 1 }, 300*time.Millisecond, time.Millisecond,
		"the second worker waits for the object instead of opening it")
	close(objects.hold)
	h.waitDeleted(t, 2)
	assert.Len(t, h.next.accepted(), 2, "each record once")
	assert.Equal(t, 1, objects.peakOpen(), "the object is read by one worker at a time")
}

// A worker waiting for an object in work gives up when its context ends (shutdown), and
// the object is free again once its reader leaves.
func TestInWorkWaitEndsWithContext(t *testing.T) {
	var w inWork
	obj := Object{Bucket: "b", Key: "k"}
	leave, err := w.enter(context.Background(), obj)
	assert.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = w.enter(ctx, obj)
	assert.ErrorIs(t, err, context.Canceled)
	other, err := w.enter(context.Background(), Object{Bucket: "b", Key: "other"})
	assert.NoError(t, err, "another object is not held up")
	other()
	leave()
	again, err := w.enter(ctx, obj) // free: even an ended context enters
	assert.NoError(t, err)
	again()
}
