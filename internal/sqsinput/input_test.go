// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

const bucket = "org-trail-bucket"

type countMetrics struct {
	mu sync.Mutex
	n  map[string]int
}

func (m *countMetrics) inc(k string, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n == nil {
		m.n = map[string]int{}
	}
	m.n[k] += n
}
func (m *countMetrics) Message(_ context.Context, k Kind, o string) {
	m.inc("message "+k.String()+" "+o, 1)
}
func (m *countMetrics) File(_ context.Context, c Class, o string)  { m.inc("file "+c.String()+" "+o, 1) }
func (m *countMetrics) Records(_ context.Context, o string, n int) { m.inc("records "+o, n) }
func (m *countMetrics) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Sprint(m.n)
}

func (m *countMetrics) sum(prefix, suffix string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k, v := range m.n {
		if strings.HasPrefix(k, prefix) && strings.HasSuffix(k, suffix) {
			n += v
		}
	}
	return n
}

func (m *countMetrics) get(k string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.n[k]
}

// recordingConsumer accepts batches unless refuse says otherwise, and keeps what it accepted.
type recordingConsumer struct {
	mu      sync.Mutex
	refuse  func(call int, ld plog.Logs) error
	calls   int
	batches []int
	ids     []string
	records []plog.LogRecord
}

func (c *recordingConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (c *recordingConsumer) ConsumeLogs(_ context.Context, ld plog.Logs) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.refuse != nil {
		if err := c.refuse(c.calls, ld); err != nil {
			return err
		}
	}
	c.batches = append(c.batches, ld.LogRecordCount())
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		lrs := ld.ResourceLogs().At(i).ScopeLogs().At(0).LogRecords()
		for j := 0; j < lrs.Len(); j++ {
			id, _ := lrs.At(j).Attributes().Get("log.record.uid")
			c.ids = append(c.ids, id.Str())
			c.records = append(c.records, lrs.At(j))
		}
	}
	return nil
}

func (c *recordingConsumer) accepted() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.ids...)
}

type harness struct {
	q       *fakeQueue
	s3      *s3Server
	next    *recordingConsumer
	metrics *countMetrics
	idx     *dedupe.Index
	cancel  context.CancelFunc
	done    chan struct{}
	tickers chan *manualTicker
}

func defaultSettings() Settings {
	return Settings{
		Workers: 2, MaxMessages: 10, WaitTime: 20 * time.Second, VisibilityTimeout: 10 * time.Second,
		MaxRecordBatch: 1000,
		Filter:         NewFilter([]string{"lookoutmetrics.amazonaws.com"}, nil, poll.ReadOnlyAll),
		Translate:      translate.Options{Body: translate.BodyRaw, ScopeName: "test"},
	}
}

func startInput(t *testing.T, set Settings, next *recordingConsumer) *harness {
	return startInputWith(t, set, next, nil)
}

// startInputWith runs an input on a fake queue; objects nil reads from a local S3 server.
func startInputWith(t *testing.T, set Settings, next *recordingConsumer, objects Objects) *harness {
	t.Helper()
	h := &harness{q: newFakeQueue(), s3: newS3Server(t), next: next, metrics: &countMetrics{},
		idx: dedupe.New(time.Hour, 0, nil), done: make(chan struct{}), tickers: make(chan *manualTicker, 100)}
	if objects == nil {
		objects = NewS3Objects(testAWSConfig(), h.s3.URL, "us-east-1")
	}
	in := New(set, Deps{
		Queue:   h.q,
		Objects: objects,
		Next:    next, Dedupe: h.idx, Metrics: h.metrics,
		NewTicker: func(time.Duration) Ticker {
			mt := &manualTicker{c: make(chan time.Time), stopped: make(chan struct{})}
			h.tickers <- mt
			return mt
		},
		After: func(time.Duration) <-chan time.Time { c := make(chan time.Time, 1); c <- time.Time{}; return c },
	})
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { defer close(h.done); in.Run(ctx) }()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) stop() {
	h.cancel()
	<-h.done
}

// waitDeleted waits until n messages were deleted and counted.
func (h *harness) waitDeleted(t *testing.T, n int) {
	t.Helper()
	requireEventually(t, func() bool { return h.metrics.sum("message ", " deleted") >= n }, fmt.Sprintf("%d messages deleted", n))
	assert.Len(t, h.q.deletedIDs(), n)
}

func TestEventBridgeRecordEmittedByteExact(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	h.q.put("m1", string(readMessage(t, "eventbridge-api-call.json")))
	h.waitDeleted(t, 1)
	require.Equal(t, []string{"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"}, h.next.accepted())
	lr := h.next.records[0]
	assert.Equal(t, string(readMessage(t, "api-call-detail.json")), lr.Body().Str(), "body is the detail, byte for byte")
	method, _ := lr.Attributes().Get("rpc.method")
	assert.Equal(t, "ActivateAnomalyDetector", method.Str())
	assert.Equal(t, 1, h.metrics.get("message eventbridge_cloudtrail deleted"))
	assert.Equal(t, 1, h.metrics.get("records emitted"))

	// The same event again (EventBridge delivers at least once): a duplicate.
	h.q.put("m2", string(readMessage(t, "eventbridge-api-call.json")))
	h.waitDeleted(t, 2)
	assert.Len(t, h.next.accepted(), 1)
	assert.Equal(t, 1, h.metrics.get("records duplicate"))
}

func TestEventBridgeKindsPassTheFilter(t *testing.T) {
	set := defaultSettings()
	set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	h := startInput(t, set, &recordingConsumer{})
	for i, f := range []string{"eventbridge-api-call.json", "eventbridge-console-sign-in.json",
		"eventbridge-service-event.json", "eventbridge-insight.json"} {
		h.q.put(fmt.Sprint("m", i), string(readMessage(t, f)))
	}
	h.waitDeleted(t, 4)
	assert.ElementsMatch(t, []string{"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "5a6b7c8d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
		"9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "aa11bb22-cc33-4d44-8e55-ff6677889900"}, h.next.accepted())
}

// The default filter (Lookout for Metrics) keeps the Insights record of a Lookout for
// Metrics API (by its insightDetails) and drops the sign-in.
func TestFilterAppliesToEventBridgeRecords(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	h.q.put("a", string(readMessage(t, "eventbridge-console-sign-in.json")))
	h.q.put("b", string(readMessage(t, "eventbridge-insight.json")))
	h.waitDeleted(t, 2)
	assert.Equal(t, []string{"aa11bb22-cc33-4d44-8e55-ff6677889900"}, h.next.accepted())
	assert.Equal(t, 1, h.metrics.get("records filtered"))
}

func TestS3EventStreamsTheFileInBatches(t *testing.T) {
	set := defaultSettings()
	set.MaxRecordBatch = 7
	h := startInput(t, set, &recordingConsumer{})
	key := "trail logs/" + trailKey("123456789012", "eu-west-1", "a")
	h.s3.put(bucket, "eu-west-1", key, gz(t, trailFile("f1", 60)))
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", strings.ReplaceAll(key, " ", "+")))
	h.waitDeleted(t, 1)
	ids := h.next.accepted()
	require.Len(t, ids, 20, "every third record is Lookout for Metrics'")
	assert.Equal(t, "f1-0000", ids[0])
	assert.Equal(t, "f1-0057", ids[19])
	assert.Equal(t, []int{7, 7, 6}, h.next.batches, "at most max_record_batch per ConsumeLogs")
	assert.Equal(t, []string{"eu-west-1 " + bucket + "/" + key}, h.s3.requests(), "decoded key, bucket's region")
	assert.Equal(t, 40, h.metrics.get("records filtered"))
	assert.Equal(t, 1, h.metrics.get("file trail done"))
	assert.Equal(t, 1, h.metrics.get("message s3_event deleted"))
}

func TestMessagesWithNothingToReadAreDeleted(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	for i, f := range []string{"s3-test-event.json", "s3-test-event-sns.json", "not-json.txt",
		"sns-subscription-confirmation.json", "eventbridge-other.json", "s3-event-mixed.json"} {
		h.q.put(fmt.Sprint("m", i), string(readMessage(t, f)))
	}
	h.waitDeleted(t, 6)
	assert.Equal(t, 2, h.metrics.get("message s3_test_event deleted"))
	assert.Equal(t, 3, h.metrics.get("message unknown deleted"))
	assert.Equal(t, 1, h.metrics.get("file digest skipped"))
	assert.Empty(t, h.s3.requests(), "a digest file is never read")
	assert.Empty(t, h.next.accepted())
}

func TestCloudTrailNotificationThroughSNSReadsEveryFile(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	for i, key := range []string{ctKey1, ctKey2} {
		// One file plain, one gzip: told apart by content, not by the .gz name.
		content := []byte(trailFile(fmt.Sprint("k", i), 6))
		if i == 1 {
			content = gz(t, string(content))
		}
		h.s3.put(bucket, "eu-west-1", key, content)
	}
	h.q.put("m1", string(readMessage(t, "cloudtrail-sns.json")))
	h.waitDeleted(t, 1)
	assert.ElementsMatch(t, []string{"k0-0000", "k0-0003", "k1-0000", "k1-0003"}, h.next.accepted())
	// The notification names no region: the queue's (us-east-1) first, then S3's answer.
	assert.Equal(t, []string{"us-east-1 " + bucket + "/" + ctKey1, "eu-west-1 " + bucket + "/" + ctKey1,
		"eu-west-1 " + bucket + "/" + ctKey2}, h.s3.requests(), "the bucket's region is learned once")
}

func TestCorruptGzipLeavesTheMessage(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	key := trailKey("123456789012", "eu-west-1", "bad")
	content := gz(t, trailFile("bad", 30))
	content[len(content)-6] ^= 0xff
	h.s3.put(bucket, "eu-west-1", key, content)
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", key))
	requireEventually(t, func() bool { return h.metrics.get("message s3_event retry") == 1 }, "message left")
	assert.Empty(t, h.q.deletedIDs())
	assert.Equal(t, 1, h.metrics.get("file trail corrupt"))
}

func TestVanishedObjectIsSkipped(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	h.s3.put(bucket, "eu-west-1", "other", []byte("x"))
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", trailKey("123456789012", "eu-west-1", "gone")))
	h.waitDeleted(t, 1)
	assert.Equal(t, 1, h.metrics.get("file trail not_found"))
}

// A pipeline that refuses the second batch of a file: the message stays; when it comes
// back, the first batch's records are duplicates and only the rest is emitted.
func TestRefusingPipelineLeavesMessageAndRedeliveryIsBounded(t *testing.T) {
	set := defaultSettings()
	set.MaxRecordBatch = 5
	refusing := true
	next := &recordingConsumer{refuse: func(call int, _ plog.Logs) error {
		if refusing && call == 2 {
			return errors.New("queue full")
		}
		return nil
	}}
	h := startInput(t, set, next)
	key := trailKey("123456789012", "eu-west-1", "r")
	h.s3.put(bucket, "eu-west-1", key, gz(t, trailFile("r", 45))) // 15 kept
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", key))
	requireEventually(t, func() bool { return h.metrics.get("message s3_event retry") == 1 }, "message left")
	assert.Empty(t, h.q.deletedIDs())
	assert.Len(t, next.accepted(), 5)
	assert.Equal(t, 1, h.metrics.get("file trail refused"))

	next.mu.Lock()
	refusing = false
	next.mu.Unlock()
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", key)) // it comes back
	h.waitDeleted(t, 1)
	ids := next.accepted()
	assert.Len(t, ids, 15)
	seen := map[string]bool{}
	for _, id := range ids {
		assert.False(t, seen[id], "emitted twice: %s", id)
		seen[id] = true
	}
	assert.Equal(t, 5, h.metrics.get("records duplicate"))
}

// A pipeline that refuses one record for good: only that record is dropped (counted), the
// rest of its batch and file is delivered, and the message is deleted.
func TestPermanentRefusalDropsOnlyTheRefusedRecord(t *testing.T) {
	next := &recordingConsumer{refuse: func(_ int, ld plog.Logs) error {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			lrs := ld.ResourceLogs().At(i).ScopeLogs().At(0).LogRecords()
			for j := 0; j < lrs.Len(); j++ {
				if id, _ := lrs.At(j).Attributes().Get("log.record.uid"); id.Str() == "p-0009" {
					return consumererror.NewPermanent(errors.New("rejected"))
				}
			}
		}
		return nil
	}}
	set := defaultSettings()
	set.MaxRecordBatch = 4
	h := startInput(t, set, next)
	key := trailKey("123456789012", "eu-west-1", "p")
	h.s3.put(bucket, "eu-west-1", key, gz(t, trailFile("p", 30))) // 10 kept, p-0009 poisoned
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", key))
	h.waitDeleted(t, 1)
	ids := next.accepted()
	assert.Len(t, ids, 9)
	assert.NotContains(t, ids, "p-0009")
	assert.Equal(t, 1, h.metrics.get("records dropped"))
	assert.Equal(t, 9, h.metrics.get("records emitted"))
	// The refused record was not emitted: the shared index leaves it out, so LookupEvents
	// still emits it; the delivered ones are in.
	assert.False(t, h.idx.Contains("p-0009"), "a refused record is not in the index")
	for _, id := range ids {
		assert.True(t, h.idx.Contains(id), "%s is in the index", id)
	}
}

// While a message is in work, every tick of the heartbeat extends its visibility by the
// whole timeout; the heartbeat stops when the message is done.
func TestHeartbeatExtendsVisibilityWhileInWork(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	key := trailKey("123456789012", "eu-west-1", "slow")
	h.s3.put(bucket, "eu-west-1", key, gz(t, trailFile("s", 300)))
	release := make(chan struct{})
	h.s3.hold = func(*http.Request) { <-release }
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", key))
	tk := <-h.tickers
	for range 3 {
		tk.c <- time.Now()
	}
	requireEventually(t, func() bool { return len(h.q.visibility()) == 3 }, "three extensions")
	for _, c := range h.q.visibility() {
		assert.Equal(t, visCall{"rh-m1", 10 * time.Second}, c)
	}
	assert.Empty(t, h.q.deletedIDs(), "still in work")
	close(release)
	h.waitDeleted(t, 1)
	<-tk.stopped
	assert.Len(t, h.next.accepted(), 100)
}

// Shutdown mid-file returns at once and gives the message back (visibility 0).
func TestShutdownMidFileReleasesTheMessage(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	key := trailKey("123456789012", "eu-west-1", "mid")
	h.s3.put(bucket, "eu-west-1", key, gz(t, trailFile("m", 300)))
	inBody := make(chan struct{})
	h.s3.hold = func(r *http.Request) { close(inBody); <-r.Context().Done() }
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", key))
	<-inBody
	start := time.Now()
	h.stop()
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Empty(t, h.q.deletedIDs())
	assert.Contains(t, h.q.visibility(), visCall{"rh-m1", 0})
	assert.Equal(t, 1, h.metrics.get("message s3_event retry"))
}

// Shutdown during a long poll returns at once.
func TestShutdownDuringLongPoll(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	start := time.Now()
	h.stop()
	assert.Less(t, time.Since(start), 5*time.Second)
}

// At most Workers messages are in work at once, and none is received without a free worker.
func TestWorkersBoundMessagesInWork(t *testing.T) {
	set := defaultSettings()
	set.Workers = 3
	h := startInput(t, set, &recordingConsumer{})
	release := make(chan struct{})
	var mu sync.Mutex
	inFlight := 0
	h.s3.hold = func(*http.Request) {
		mu.Lock()
		inFlight++
		mu.Unlock()
		<-release
	}
	for i := range 8 {
		key := trailKey("123456789012", "eu-west-1", fmt.Sprint("w", i))
		h.s3.put(bucket, "eu-west-1", key, []byte(trailFile(fmt.Sprint("w", i), 3)))
		h.q.put(fmt.Sprint("m", i), s3EventBody(bucket, "eu-west-1", key))
	}
	requireEventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return inFlight == 3 }, "three in work")
	h.q.mu.Lock()
	received := h.q.received
	h.q.mu.Unlock()
	assert.Equal(t, 3, received, "no message taken without a free worker")
	close(release)
	h.waitDeleted(t, 8)
	assert.Len(t, h.next.accepted(), 8)
}

func TestPreloadedIndexDropsDuplicates(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	h.idx.Add("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0") // emitted by LookupEvents already
	h.q.put("m1", string(readMessage(t, "eventbridge-api-call.json")))
	h.waitDeleted(t, 1)
	assert.Empty(t, h.next.accepted())
	assert.Equal(t, 1, h.metrics.get("records duplicate"))
}

// An S3 body that stalls mid-file ends the read after ReadIdleTimeout: the worker is
// freed and the message left for another try, not held forever by the heartbeat.
func TestStalledS3ReadIsAbandoned(t *testing.T) {
	set := defaultSettings()
	set.ReadIdleTimeout = 50 * time.Millisecond
	h := startInput(t, set, &recordingConsumer{})
	key := trailKey("123456789012", "eu-west-1", "stall")
	h.s3.put(bucket, "eu-west-1", key, gz(t, trailFile("st", 3000)))
	h.s3.hold = func(r *http.Request) { <-r.Context().Done() } // never sends the second half
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", key))
	requireEventually(t, func() bool { return h.metrics.get("message s3_event retry") == 1 }, "message left")
	assert.Equal(t, 1, h.metrics.get("file trail s3_error"))
	assert.Empty(t, h.q.deletedIDs())
}

// Redaction fails closed on the SQS path as on the API path: a record it cannot read is
// dropped and counted, never exported unredacted; the others are redacted. (Neither the
// trail file reader nor the message parser passes a record this deep; the sink is tested
// on its own.)
func TestUnredactableRecordIsDropped(t *testing.T) {
	set := defaultSettings()
	set.Redact = redact.New([]string{"requestParameters.key", "resources.ARN"}, redact.Drop, "")
	next, metrics := &recordingConsumer{}, &countMetrics{}
	in := New(set, Deps{Next: next, Metrics: metrics})
	s := in.newSink(context.Background())
	// Arrays are transparent to paths: resources.ARN may hide under any number of them.
	deep := strings.Repeat("[", redact.MaxDepth+1) + `{"ARN":"secret"}` + strings.Repeat("]", redact.MaxDepth+1)
	s.add([]byte(`{"eventID":"ok","eventSource":"lookoutmetrics.amazonaws.com","requestParameters":{"key":"secret","other":1}}`), time.Now())
	s.add([]byte(`{"eventID":"deep","eventSource":"lookoutmetrics.amazonaws.com","resources":`+deep+`}`), time.Now())
	require.NoError(t, s.flush())
	require.Equal(t, []string{"ok"}, next.accepted())
	assert.NotContains(t, next.records[0].Body().Str(), "secret")
	assert.Equal(t, 1, metrics.get("records redaction_dropped"))
}

// A message that names one object twice reads it once: a record without an eventID,
// which the index cannot recognise, is not emitted twice.
func TestSameObjectTwiceInOneMessageIsReadOnce(t *testing.T) {
	set := defaultSettings()
	set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	h := startInput(t, set, &recordingConsumer{})
	key := trailKey("123456789012", "eu-west-1", "twice")
	h.s3.put(bucket, "eu-west-1", key, []byte(`{"Records":[{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances"}]}`))
	h.q.put("m1", fmt.Sprintf(`{"s3Bucket":%q,"s3ObjectKey":[%q,%q]}`, bucket, key, key))
	h.waitDeleted(t, 1)
	reads := 0 // the bucket's region is learnt from S3's redirect, then the file is read
	for _, r := range h.s3.requests() {
		if strings.HasPrefix(r, "eu-west-1 ") {
			reads++
		}
	}
	assert.Equal(t, 1, reads, h.s3.requests())
	assert.Len(t, h.next.accepted(), 1)
}

// A heartbeat call that hangs does not hold the message once its work is done: the
// message is deleted without waiting for the call (nor for shutdown).
func TestHangingHeartbeatDoesNotHoldTheMessage(t *testing.T) {
	release := make(chan struct{})
	next := &recordingConsumer{refuse: func(int, plog.Logs) error { <-release; return nil }}
	h := startInput(t, defaultSettings(), next)
	h.q.mu.Lock()
	h.q.hangVisibility = true
	h.q.mu.Unlock()
	h.q.put("m1", string(readMessage(t, "eventbridge-api-call.json")))
	tk := <-h.tickers
	tk.c <- time.Now()
	requireEventually(t, func() bool { return len(h.q.visibility()) == 1 }, "an extension in flight")
	close(release)
	h.waitDeleted(t, 1)
}

// A pipeline that refuses one record for good and then the rest for now: the message is
// left, and what it accepted before the refusal is in the index, so the message's next
// delivery does not emit it again.
func TestRecordsAcceptedBeforeATransientRefusalAreNotEmittedAgain(t *testing.T) {
	set := defaultSettings()
	set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	refusing := true
	next := &recordingConsumer{refuse: func(_ int, ld plog.Logs) error {
		ids := logIDs(ld)
		switch {
		case slices.Contains(ids, "p-0001"):
			return consumererror.NewPermanent(errors.New("rejected"))
		case refusing && slices.Contains(ids, "p-0002"):
			return errors.New("queue full")
		}
		return nil
	}}
	h := startInput(t, set, next)
	key := trailKey("123456789012", "eu-west-1", "p")
	h.s3.put(bucket, "eu-west-1", key, []byte(trailFile("p", 4)))
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", key))
	requireEventually(t, func() bool { return h.metrics.get("message s3_event retry") == 1 }, "message left")
	require.Equal(t, []string{"p-0000"}, next.accepted())
	assert.True(t, h.idx.Contains("p-0000"))
	assert.False(t, h.idx.Contains("p-0001"), "refused for good: not emitted")

	next.mu.Lock()
	refusing = false
	next.mu.Unlock()
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", key)) // the message comes back
	h.waitDeleted(t, 1)
	assert.Equal(t, []string{"p-0000", "p-0002", "p-0003"}, next.accepted())
}

func logIDs(ld plog.Logs) []string {
	var ids []string
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		lrs := ld.ResourceLogs().At(i).ScopeLogs().At(0).LogRecords()
		for j := 0; j < lrs.Len(); j++ {
			id, _ := lrs.At(j).Attributes().Get("log.record.uid")
			ids = append(ids, id.Str())
		}
	}
	return ids
}

// AWS's documentation does not say whether the key of an EventBridge "Object Created"
// event is URL-encoded as in S3 notifications (LocalStack, which checks itself against
// AWS, encodes it). The decoded key is read first and, when S3 has no such key, the key
// as the event gave it: a '+' or '%' in a prefix loses no file either way.
func TestEventBridgeObjectKeyReadDecodedElseAsGiven(t *testing.T) {
	set := defaultSettings()
	set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	h := startInput(t, set, &recordingConsumer{})
	encoded := "logs%20a/" + trailKey("123456789012", "eu-west-1", "enc") // key "logs a/..."
	literal := "logs+b/" + trailKey("123456789012", "eu-west-1", "lit")   // key "logs+b/..."
	h.s3.put(bucket, "eu-west-1", "logs a/"+trailKey("123456789012", "eu-west-1", "enc"), []byte(trailFile("enc", 1)))
	h.s3.put(bucket, "eu-west-1", literal, []byte(trailFile("lit", 1)))
	for i, key := range []string{encoded, literal} {
		h.q.put(fmt.Sprint("m", i), fmt.Sprintf(`{"version":"0","detail-type":"Object Created","source":"aws.s3","region":"eu-west-1",`+
			`"detail":{"bucket":{"name":%q},"object":{"key":%q}}}`, bucket, key))
	}
	h.waitDeleted(t, 2)
	assert.ElementsMatch(t, []string{"enc-0000", "lit-0000"}, h.next.accepted())
	assert.Zero(t, h.metrics.get("file trail not_found"))
}
