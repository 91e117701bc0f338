// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadatatest"
)

// ticks drives a receiver's polls after the first: every send is one more poll of one stream.
type ticks chan time.Time

func (c ticks) timer(time.Duration) <-chan time.Time { return c }

// harness is one receiver polling a local emulator through the real SDK client.
type harness struct {
	t    *testing.T
	srv  *awsemu.Server
	url  string
	tel  *componenttest.Telemetry
	host *testHost
	sts  *localSTS
	// inFlight counts requests the server is answering.
	inFlight atomic.Int32
}

func newHarness(t *testing.T, opts awsemu.Options) *harness {
	t.Helper()
	srv := awsemu.New(opts)
	h := &harness{t: t, srv: srv, host: newTestHost(), tel: componenttest.NewTelemetry(), sts: newLocalSTS(t)}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.inFlight.Add(1)
		defer h.inFlight.Add(-1)
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { _ = h.tel.Shutdown(context.Background()) })
	h.url = ts.URL
	return h
}

func (h *harness) config() *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Regions = []string{"us-east-1"}
	cfg.Endpoint = h.url
	cfg.StartAt = "2h"
	return cfg
}

// start creates and starts a receiver; polls after the first wait for tick.
func (h *harness) start(cfg *Config, next consumer.Logs, tick ticks) *cloudtrailReceiver {
	h.t.Helper()
	require.NoError(h.t, cfg.Validate())
	r, err := newReceiver(metadatatest.NewSettings(h.tel), cfg, next)
	require.NoError(h.t, err)
	r.timer = tick.timer
	require.NoError(h.t, r.Start(context.Background(), h.host))
	return r
}

// addEvents stores n events of source spread over the last hour, visible at once.
func (h *harness) addEvents(source string, n int) []awsemu.Event {
	now := time.Now().UTC()
	evs := make([]awsemu.Event, n)
	for i := range evs {
		evs[i] = awsemu.NewRecord(awsemu.RecordSpec{
			EventSource: source, EventName: "ListAlerts", ReadOnly: true,
			EventTime: now.Add(-time.Hour + time.Duration(i)*time.Hour/time.Duration(n+1)),
		})
	}
	h.srv.Store().Add(evs...)
	return evs
}

// shutdownWithin shuts r down and fails the test, saying why, when that takes longer than d.
func shutdownWithin(t *testing.T, r *cloudtrailReceiver, d time.Duration, why string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- r.Shutdown(context.Background()) }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(d):
		t.Fatal(why)
	}
}

func eventIDs(sink *consumertest.LogsSink) []string {
	var ids []string
	for _, ld := range sink.AllLogs() {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			lrs := ld.ResourceLogs().At(i).ScopeLogs().At(0).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				v, _ := lrs.At(k).Attributes().Get("aws.cloudtrail.event_id")
				ids = append(ids, v.Str())
			}
		}
	}
	return ids
}

func idsOf(evs []awsemu.Event) []string {
	ids := make([]string, len(evs))
	for i, e := range evs {
		ids[i] = e.EventID
	}
	return ids
}

func TestReceiverDeliversEveryEventOnce(t *testing.T) {
	h := newHarness(t, awsemu.Options{})
	evs := h.addEvents(defaultEventSource, 120)
	h.addEvents("iam.amazonaws.com", 10)
	sink := new(consumertest.LogsSink)
	r := h.start(h.config(), sink, make(ticks))
	require.Eventually(t, func() bool { return sink.LogRecordCount() >= len(evs) }, 30*time.Second, 10*time.Millisecond)
	// The sink may hold the events a moment before the slice is committed: wait for the
	// head to move from start_at (2h back) to the time of the poll.
	var points []metricdata.DataPoint[float64]
	require.Eventually(t, func() bool {
		lag, err := h.tel.GetMetric("otelcol_receiver_awscloudtrail_checkpoint_lag")
		if err != nil {
			return false
		}
		points = lag.Data.(metricdata.Gauge[float64]).DataPoints
		return len(points) == 1 && points[0].Value < time.Hour.Seconds()
	}, 30*time.Second, 10*time.Millisecond, "the head is the time of the last poll, not start_at")
	assert.Equal(t, streamAttrs(h.sts.account, "us-east-1", defaultEventSource), points[0].Attributes)
	assert.GreaterOrEqual(t, points[0].Value, 0.0)
	require.NoError(t, r.Shutdown(context.Background()))

	assert.ElementsMatch(t, idsOf(evs), eventIDs(sink))
	metadatatest.AssertEqualReceiverAwscloudtrailEventsEmitted(t, h.tel, []metricdata.DataPoint[int64]{{
		Attributes: streamAttrs(h.sts.account, "us-east-1", defaultEventSource), Value: 120,
	}}, metricdataOpts...)
	requests := lookups(h.srv)
	metadatatest.AssertEqualReceiverAwscloudtrailAPIRequests(t, h.tel, []metricdata.DataPoint[int64]{{
		Attributes: outcomeAttrs(h.sts.account, "us-east-1", "success"), Value: int64(len(requests)),
	}}, metricdataOpts...)
}

func TestReceiverRestartsFromFileStorage(t *testing.T) {
	h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	dir := t.TempDir()
	first := h.addEvents(defaultEventSource, 80)
	cfg := h.config()
	storageID := component.MustNewID("file_storage")
	cfg.Storage = &storageID

	sink1 := new(consumertest.LogsSink)
	stop := h.withFileStorage(storageID, dir)
	r1 := h.start(cfg, sink1, make(ticks))
	require.Eventually(t, func() bool { return sink1.LogRecordCount() >= len(first) }, 30*time.Second, 10*time.Millisecond)
	require.NoError(t, r1.Shutdown(context.Background()))
	stop()

	now := time.Now().UTC()
	second := []awsemu.Event{
		awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource, EventTime: now}),
		// Late: its time is before the first run's checkpoint, inside the overlap window.
		awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource, EventTime: now.Add(-5 * time.Minute)}),
	}
	h.srv.Store().Add(second...)
	cfg.StartAt = "now" // a checkpoint wins over start_at

	sink2 := new(consumertest.LogsSink)
	defer h.withFileStorage(storageID, dir)()
	r2 := h.start(cfg, sink2, make(ticks))
	require.Eventually(t, func() bool { return sink2.LogRecordCount() >= len(second) }, 30*time.Second, 10*time.Millisecond)
	require.NoError(t, r2.Shutdown(context.Background()))

	assert.ElementsMatch(t, idsOf(first), eventIDs(sink1))
	assert.ElementsMatch(t, idsOf(second), eventIDs(sink2), "nothing lost, nothing emitted twice")
}

func TestStreamsOfOneRegionShareTheQuota(t *testing.T) {
	h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	sources := []string{defaultEventSource, "iam.amazonaws.com", "s3.amazonaws.com"}
	total := 0
	for _, s := range sources {
		total += len(h.addEvents(s, 120))
	}
	cfg := h.config()
	cfg.EventSources = sources
	sink := new(consumertest.LogsSink)
	r := h.start(cfg, sink, make(ticks))
	require.Eventually(t, func() bool { return sink.LogRecordCount() >= total }, 60*time.Second, 10*time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))

	requests := lookups(h.srv)
	require.GreaterOrEqual(t, len(requests), 9, "three pages per source")
	// The limiter grants a request every 1/rps + 5ms (its own test shows that); here the
	// server sees them, each late by the scheduling delay between the limiter and the
	// server, which reached a few hundred milliseconds under -race on a loaded 2-core
	// machine (a 100ms allowance failed about one run in eight). With delays up to
	// maxDelay, a window holds at most (window+maxDelay)/spacing+1 requests; streams with
	// limiters of their own would put about rps x streams = 6 in one second.
	for _, window := range []time.Duration{time.Second, 3 * time.Second} {
		assert.LessOrEqual(t, awsemu.MaxInWindow(requests, window), mostInWindow(window, 2),
			"at most requests_per_second requests a second across all streams (window %s)", window)
	}
}

// mostInWindow is the most requests a server can see in window when a limiter grants
// rps a second (spaced 1/rps + 5ms) and each reaches the server up to maxDelay late.
func mostInWindow(window time.Duration, rps float64) int {
	const maxDelay = 500 * time.Millisecond
	spacing := time.Duration(float64(time.Second)/rps) + 5*time.Millisecond
	return int((window+maxDelay)/spacing) + 1
}

func TestThrottlingIsRetriedNotDropped(t *testing.T) {
	h := newHarness(t, awsemu.Options{RequestsPerSecond: 2, Burst: 1})
	evs := h.addEvents(defaultEventSource, 200)
	cfg := h.config()
	cfg.RequestsPerSecond = 20 // far over the server's quota
	sink := new(consumertest.LogsSink)
	r := h.start(cfg, sink, make(ticks))
	require.Eventually(t, func() bool { return sink.LogRecordCount() >= len(evs) }, 60*time.Second, 10*time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))

	assert.ElementsMatch(t, idsOf(evs), eventIDs(sink))
	throttled := h.srv.Stats().Throttled
	require.Positive(t, throttled)
	metadatatest.AssertEqualReceiverAwscloudtrailThrottledRequests(t, h.tel, []metricdata.DataPoint[int64]{{
		Attributes: regionAttrs(h.sts.account, "us-east-1"), Value: int64(throttled),
	}}, metricdataOpts...)
}

func TestShutdownDuringPollIsPromptAndPersistsNothing(t *testing.T) {
	h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	h.addEvents(defaultEventSource, 10)
	h.srv.SetFaults(awsemu.Faults{Latency: time.Minute})
	dir := t.TempDir()
	cfg := h.config()
	storageID := component.MustNewID("file_storage")
	cfg.Storage = &storageID
	defer h.withFileStorage(storageID, dir)()
	sink := new(consumertest.LogsSink)
	r := h.start(cfg, sink, make(ticks))
	require.Eventually(t, func() bool { return h.inFlight.Load() > 0 }, 10*time.Second, 5*time.Millisecond)

	shutdownWithin(t, r, 20*time.Second, "Shutdown waited for the in-flight request")
	assert.Zero(t, sink.LogRecordCount())
	client := h.storageClient(storageID)
	b, err := client.Get(context.Background(), checkpointKey(h.sts.account, "us-east-1", defaultEventSource))
	require.NoError(t, err)
	assert.Nil(t, b, "no checkpoint for a slice that was not consumed")
}

func TestShutdownWithoutStartAndTwice(t *testing.T) {
	r, err := newReceiver(metadatatest.NewSettings(componenttest.NewTelemetry()), createDefaultConfig().(*Config), consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, r.Shutdown(context.Background()))
	require.NoError(t, r.Shutdown(context.Background()))
}

func TestMissingStorageExtensionFailsStart(t *testing.T) {
	h := newHarness(t, awsemu.Options{})
	cfg := h.config()
	id := component.MustNewID("file_storage")
	cfg.Storage = &id
	r, err := newReceiver(metadatatest.NewSettings(h.tel), cfg, consumertest.NewNop())
	require.NoError(t, err)
	err = r.Start(context.Background(), h.host)
	require.ErrorContains(t, err, `storage: extension "file_storage"`)
	require.NoError(t, r.Shutdown(context.Background()))
}

func TestRefusedBatchesAreReadAgain(t *testing.T) {
	h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	evs := h.addEvents(defaultEventSource, 30)
	next := &refusingConsumer{refuse: 2, sink: new(consumertest.LogsSink)}
	tick := make(ticks)
	r := h.start(h.config(), next, tick)
	for range 2 { // the first two polls are refused; each refusal schedules a retry
		tick <- time.Now()
	}
	require.Eventually(t, func() bool { return next.sink.LogRecordCount() >= len(evs) }, 30*time.Second, 10*time.Millisecond)
	// The sink holds the events as soon as the pipeline accepted them; the poll commits
	// and reports its success just after. A Shutdown before that report ends the poll
	// quietly (a stopping receiver keeps its last status), so wait for the report.
	require.Eventually(t, func() bool { return h.host.lastStatus() == componentstatus.StatusOK }, 30*time.Second, 10*time.Millisecond,
		"recovered after the refusals")
	require.NoError(t, r.Shutdown(context.Background()))
	assert.ElementsMatch(t, idsOf(evs), eventIDs(next.sink))
	assert.Equal(t, componentstatus.StatusOK, h.host.lastStatus(), "recovered after the refusals")
	assert.Equal(t, 1, h.host.count(componentstatus.StatusRecoverableError), "the status changed once")
}

type refusingConsumer struct {
	mu     sync.Mutex
	refuse int
	sink   *consumertest.LogsSink
}

func (c *refusingConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (c *refusingConsumer) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refuse > 0 {
		c.refuse--
		return errRefused
	}
	return c.sink.ConsumeLogs(ctx, ld)
}

// withFileStorage starts a real file_storage extension in dir and registers it on the
// host; the returned func shuts it down.
func (h *harness) withFileStorage(id component.ID, dir string) func() {
	h.t.Helper()
	f := filestorage.NewFactory()
	cfg := f.CreateDefaultConfig().(*filestorage.Config)
	cfg.Directory = dir
	cfg.Compaction.Directory = dir
	ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), cfg)
	require.NoError(h.t, err)
	require.NoError(h.t, ext.Start(context.Background(), componenttest.NewNopHost()))
	h.host.setExtension(id, ext)
	return func() { require.NoError(h.t, ext.Shutdown(context.Background())) }
}

func TestRedactedFieldsLeaveNeitherBodyNorAttributes(t *testing.T) {
	h := newHarness(t, awsemu.Options{})
	ev := awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource, EventTime: time.Now().Add(-time.Minute),
		AccessKeyID: "AKIAREDACTME00000001", SourceIPAddress: "198.51.100.77"})
	h.srv.Store().Add(ev)
	cfg := h.config()
	cfg.Redact = redactSome([]string{"userIdentity.accessKeyId", "sourceIPAddress"}, RedactHash, "k")
	sink := new(consumertest.LogsSink)
	r := h.start(cfg, sink, make(ticks))
	require.Eventually(t, func() bool { return sink.LogRecordCount() == 1 }, 30*time.Second, 10*time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))

	ld := sink.AllLogs()[0]
	lr := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	body := lr.Body().Str()
	assert.NotContains(t, body, "AKIAREDACTME00000001")
	assert.NotContains(t, body, "198.51.100.77")
	ip, _ := lr.Attributes().Get("source.address")
	key, _ := lr.Attributes().Get("aws.access_key.id")
	assert.True(t, strings.HasPrefix(ip.Str(), "redacted:"), ip.Str())
	assert.True(t, strings.HasPrefix(key.Str(), "redacted:"), key.Str())
	id, _ := lr.Attributes().Get("aws.cloudtrail.event_id")
	assert.Equal(t, ev.EventID, id.Str(), "the rest is untouched")
}
