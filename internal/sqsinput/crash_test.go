// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

// deadQueue is a Queue whose process died: once dead, nothing reaches SQS any more (no
// delete, no visibility change, no give-back), as after a SIGKILL.
type deadQueue struct {
	Queue
	dead atomic.Bool
}

var errDead = errors.New("process killed")

func (q *deadQueue) Receive(ctx context.Context, n int, wait, vis time.Duration) ([]Delivery, error) {
	if q.dead.Load() {
		return nil, errDead
	}
	return q.Queue.Receive(ctx, n, wait, vis)
}

func (q *deadQueue) Delete(ctx context.Context, rh string) error {
	if q.dead.Load() {
		return errDead
	}
	return q.Queue.Delete(ctx, rh)
}

func (q *deadQueue) ChangeVisibility(ctx context.Context, rh string, d time.Duration) error {
	if q.dead.Load() {
		return errDead
	}
	return q.Queue.ChangeVisibility(ctx, rh, d)
}

// Two collectors on one fauxqs queue of 12 trail files; one dies mid-file (its requests
// stop reaching SQS, as after SIGKILL). The other takes the dead one's messages once
// their visibility ends: no record is lost, and the duplicates are only records of the
// files the dead one had in work.
func TestFauxqsCollectorKilledMidFile(t *testing.T) {
	f := newFauxqs(t)
	q := f.queue(t, "shared")
	s3 := newS3Server(t)
	const files, perFile = 12, 1500
	for i := range files {
		key := trailKey("123456789012", "us-east-1", fmt.Sprint("k", i))
		s3.put(bucket, "us-east-1", key, gz(t, trailFile(fmt.Sprintf("f%02d", i), perFile)))
		f.send(t, q, s3EventBody(bucket, "us-east-1", key))
	}
	// The first file read by anyone is held until the kill, so the victim dies mid-file.
	var once sync.Once
	held, release := make(chan struct{}), make(chan struct{})
	s3.hold = func(r *http.Request) {
		first := false
		once.Do(func() { first = true })
		if first {
			close(held)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}
	next := &recordingConsumer{}
	set := defaultSettings()
	set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	set.WaitTime, set.VisibilityTimeout, set.MaxRecordBatch = time.Second, 2*time.Second, 7
	run := func(queue Queue) (context.CancelFunc, chan struct{}) {
		in := New(set, Deps{Queue: queue, Objects: NewS3Objects(testAWSConfig(), s3.URL, "us-east-1"),
			Next: next, Dedupe: dedupe.New(time.Hour, 0, nil)})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); in.Run(ctx) }()
		return cancel, done
	}
	victim := &deadQueue{Queue: NewSQSQueue(testAWSConfig(), q, f.url)}
	stopVictim, victimDone := run(victim)
	<-held
	requireEventually(t, func() bool { return len(next.accepted()) > 0 }, "the victim delivers part of the held file")
	t.Logf("at the kill: %d records delivered", len(next.accepted()))
	victim.dead.Store(true) // killed: from now on it reaches nothing
	stopVictim()
	<-victimDone
	close(release)
	stopSurvivor, survivorDone := run(NewSQSQueue(testAWSConfig(), q, f.url))
	defer func() { stopSurvivor(); <-survivorDone }()

	requireEventually(t, func() bool {
		visible, inFlight := f.count(t, q)
		return visible == "0" && inFlight == "0"
	}, "every message deleted")
	ids := next.accepted()
	seen := map[string]int{}
	for _, id := range ids {
		seen[id]++
	}
	assert.Len(t, seen, files*perFile, "no record lost")
	dups := len(ids) - len(seen)
	t.Logf("records: %d distinct, %d delivered, %d duplicates (at most %d: the files in work at the kill)",
		len(seen), len(ids), dups, set.Workers*perFile)
	require.LessOrEqual(t, dups, set.Workers*perFile)
	assert.Positive(t, dups, "the victim had delivered part of its file: the test kills mid-file")
}
