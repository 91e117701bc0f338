// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
)

// Shutdown that comes while the pipeline accepts a message's last records still deletes
// the message: everything it names was delivered, and the index that would drop its
// records as duplicates does not survive the restart.
func TestShutdownAfterDeliveryStillDeletes(t *testing.T) {
	srv := sqstest.NewServer()
	defer srv.Close()
	id := srv.Send(string(readMessage(t, "eventbridge-api-call.json")))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	next := &recordingConsumer{refuse: func(int, plog.Logs) error {
		cancel() // the collector shuts down while this batch is accepted
		return nil
	}}
	metrics := &countMetrics{}
	set := defaultSettings()
	set.WaitTime = time.Second
	in := New(set, Deps{
		Queue:   NewSQSQueue(testAWSConfig(), srv.QueueURL(), srv.URL),
		Objects: NewS3Objects(testAWSConfig(), srv.URL, "us-east-1"),
		Next:    next, Dedupe: dedupe.New(time.Hour, 0, nil), Metrics: metrics,
	})
	done := make(chan struct{})
	go func() { defer close(done); in.Run(ctx) }()
	<-done
	require.Len(t, next.accepted(), 1)
	assert.Equal(t, []string{id}, srv.Deleted(), "a delivered message is deleted")
	assert.Equal(t, 1, metrics.get("message eventbridge_cloudtrail deleted"))
}

// Shutdown that comes while a delivered message's DeleteMessage is in flight lets the
// call finish (within releaseTimeout): cancelling it would bring the whole message back
// after the restart, when no index remembers its records.
func TestShutdownDuringDeleteLetsItFinish(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	entered, gate := make(chan struct{}), make(chan struct{})
	h.q.mu.Lock()
	h.q.deleteEntered, h.q.deleteGate = entered, gate
	h.q.mu.Unlock()
	h.q.put("m1", string(readMessage(t, "eventbridge-api-call.json")))
	<-entered
	h.cancel() // shutdown begins
	close(gate)
	<-h.done
	assert.Equal(t, []string{"rh-m1"}, h.q.deletedIDs())
	assert.Equal(t, 1, h.metrics.get("message eventbridge_cloudtrail deleted"))
}

// A DeleteMessage that hangs does not hold shutdown past releaseTimeout.
func TestShutdownDuringAHangingDelete(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	entered := make(chan struct{})
	h.q.mu.Lock()
	h.q.deleteEntered, h.q.deleteGate = entered, make(chan struct{}) // never opens
	h.q.mu.Unlock()
	h.q.put("m1", string(readMessage(t, "eventbridge-api-call.json")))
	<-entered
	start := time.Now()
	h.stop()
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Empty(t, h.q.deletedIDs())
}
