// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

const lfm = "lookoutmetrics.amazonaws.com"

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// fakeClock is the one clock of a test: the emulator's and the stream's.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(t.UnixNano())
	return c
}
func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) Set(t time.Time)         { c.ns.Store(t.UnixNano()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// env is one stream polling a local emulator through the real aws-sdk-go-v2 client.
type env struct {
	t       *testing.T
	clock   *fakeClock
	srv     *awsemu.Server
	sink    *consumertest.LogsSink
	store   *checkpoint.MemoryStore
	metrics *countMetrics
	client  *cloudtrail.Client
}

func newEnv(t *testing.T, opts awsemu.Options) *env {
	t.Helper()
	clock := newFakeClock(t0)
	opts.Clock = clock.Now
	if opts.RequestsPerSecond == 0 {
		opts.RequestsPerSecond = -1 // pacing is tested at the receiver level, in real time
	}
	srv := awsemu.New(opts)
	url, err := srv.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	api, closeIdle := cloudtrail.NewSDKClient(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "secret", ""),
	}, cloudtrail.SDKOptions{Endpoint: url})
	t.Cleanup(closeIdle)
	return &env{
		t: t, clock: clock, srv: srv, sink: new(consumertest.LogsSink),
		store: checkpoint.NewMemoryStore(), metrics: &countMetrics{},
		client: cloudtrail.NewClient(api),
	}
}

func (e *env) settings() Settings {
	return Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: e.clock.Now()}
}

func (e *env) stream(set Settings) *Stream {
	return NewStream(set, Deps{Source: e.client, Next: e.sink, Store: e.store, Metrics: e.metrics, Now: e.clock.Now})
}

// add stores an event of the Lookout for Metrics source at at, visible after delay.
func (e *env) add(at time.Time, delay time.Duration, name string) awsemu.Event {
	ev := awsemu.NewRecord(awsemu.RecordSpec{
		EventSource: lfm, EventName: name, EventTime: at, DeliveryDelay: delay,
		ReadOnly: name == "DescribeAlert",
	})
	e.srv.Store().Add(ev)
	return ev
}

func (e *env) poll(s *Stream) {
	e.t.Helper()
	require.NoError(e.t, s.Poll(context.Background()))
}

// emittedIDs lists the event IDs the sink received, in order.
func emittedIDs(sink *consumertest.LogsSink) []string {
	var ids []string
	for _, ld := range sink.AllLogs() {
		forEachRecord(ld, func(lr plog.LogRecord) {
			v, _ := lr.Attributes().Get("aws.cloudtrail.event_id")
			ids = append(ids, v.Str())
		})
	}
	return ids
}

func forEachRecord(ld plog.Logs, fn func(plog.LogRecord)) {
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		sls := ld.ResourceLogs().At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				fn(lrs.At(k))
			}
		}
	}
}

type countMetrics struct {
	mu                                                  sync.Mutex
	emitted, duplicate, malformed, refused, saveFailure int
}

func (m *countMetrics) Refused(_ context.Context, n int) { m.mu.Lock(); m.refused += n; m.mu.Unlock() }
func (m *countMetrics) CheckpointSaveFailed(context.Context) {
	m.mu.Lock()
	m.saveFailure++
	m.mu.Unlock()
}

func (m *countMetrics) Emitted(_ context.Context, n int) { m.mu.Lock(); m.emitted += n; m.mu.Unlock() }
func (m *countMetrics) Duplicates(_ context.Context, n int) {
	m.mu.Lock()
	m.duplicate += n
	m.mu.Unlock()
}
func (m *countMetrics) Malformed(_ context.Context, n int) {
	m.mu.Lock()
	m.malformed += n
	m.mu.Unlock()
}

func (m *countMetrics) get() (emitted, duplicate, malformed int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.emitted, m.duplicate, m.malformed
}
