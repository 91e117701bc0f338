// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"
)

// overfullQueue answers every receive with more messages than were asked for, once.
type overfullQueue struct {
	*fakeQueue
	extra int
	asked chan int
}

func (q *overfullQueue) Receive(ctx context.Context, n int, wait, vis time.Duration) ([]Delivery, error) {
	select {
	case q.asked <- n:
	default:
	}
	if q.extra > 0 {
		out := make([]Delivery, 0, n+q.extra)
		for i := range n + q.extra {
			out = append(out, Delivery{ID: fmt.Sprint("m", i), ReceiptHandle: fmt.Sprint("rh-m", i), Body: "junk", ReceiveCount: 1})
		}
		q.extra = 0
		return out, nil
	}
	return q.fakeQueue.Receive(ctx, n, wait, vis)
}

// A queue that hands out more messages than asked for (SQS never does; a faulty
// endpoint might) neither overruns the workers nor hangs shutdown: the messages past
// the ask are given back at once.
func TestReceiveAnsweringMoreThanAskedForDoesNotHang(t *testing.T) {
	q := &overfullQueue{fakeQueue: newFakeQueue(), extra: 3, asked: make(chan int, 1)}
	set := defaultSettings()
	set.Workers, set.MaxMessages = 2, 2
	in := New(set, Deps{Queue: q, Next: &recordingConsumer{}, Dedupe: dedupe.New(time.Hour, 0, nil),
		After: func(time.Duration) <-chan time.Time { c := make(chan time.Time, 1); c <- time.Time{}; return c }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); in.Run(ctx) }()
	require.Equal(t, 2, <-q.asked)
	requireEventually(t, func() bool { return len(q.deletedIDs()) == 2 }, "the two asked-for messages deleted")
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after shutdown")
	}
	assert.ElementsMatch(t, []string{"rh-m0", "rh-m1"}, q.deletedIDs())
	var released []string
	for _, c := range q.visibility() {
		if c.timeout == 0 {
			released = append(released, c.receipt)
		}
	}
	assert.ElementsMatch(t, []string{"rh-m2", "rh-m3", "rh-m4"}, released, "the messages past the ask are given back")
}
