// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadatatest"
)

// objectServer serves path-style GetObject from a map, and can hold a body halfway.
type objectServer struct {
	*httptest.Server
	mu      sync.Mutex
	objects map[string][]byte
	hold    chan struct{}
	holding chan struct{}
}

func newObjectServer(t *testing.T) *objectServer {
	s := &objectServer{objects: map[string][]byte{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		content, ok := s.objects[strings.TrimPrefix(r.URL.Path, "/")]
		hold, holding := s.hold, s.holding
		s.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`<Error><Code>NoSuchKey</Code></Error>`))
			return
		}
		_, _ = w.Write(content[:len(content)/2])
		if hold != nil {
			w.(http.Flusher).Flush()
			close(holding)
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
		_, _ = w.Write(content[len(content)/2:])
	}))
	t.Cleanup(s.Close)
	return s
}

func gzipped(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

type sqsHarness struct {
	queue *sqstest.Server
	s3    *objectServer
	tel   *componenttest.Telemetry
	sink  *consumertest.LogsSink
	r     *cloudtrailReceiver
}

func startSQSReceiver(t *testing.T, mutate func(*Config)) *sqsHarness {
	return startSQSReceiverWith(t, mutate, nil)
}

func startSQSReceiverWith(t *testing.T, mutate func(*Config), next consumer.Logs) *sqsHarness {
	t.Helper()
	h := &sqsHarness{queue: sqstest.NewServer(), s3: newObjectServer(t), tel: componenttest.NewTelemetry(),
		sink: new(consumertest.LogsSink)}
	if next == nil {
		next = h.sink
	}
	t.Cleanup(h.queue.Close)
	t.Cleanup(func() { _ = h.tel.Shutdown(context.Background()) })
	cfg := createDefaultConfig().(*Config)
	cfg.LookupEvents = false
	cfg.SQS.QueueURL = h.queue.QueueURL()
	cfg.SQS.Region = "us-east-1"
	cfg.SQS.Endpoint = h.queue.URL
	cfg.SQS.S3Endpoint = h.s3.URL
	cfg.SQS.VisibilityTimeout = 30 * time.Second
	if mutate != nil {
		mutate(cfg)
	}
	require.NoError(t, cfg.Validate())
	r, err := newReceiver(metadatatest.NewSettings(h.tel), cfg, next)
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), newTestHost()))
	h.r = r
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })
	return h
}

// messagesCounted is the sum of the sqs_messages counter.
func (h *sqsHarness) messagesCounted() int64 {
	m, err := h.tel.GetMetric("otelcol_receiver_awscloudtrail_sqs_messages")
	if err != nil {
		return 0
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		n += dp.Value
	}
	return n
}

const sqsTrailKey = "AWSLogs/123456789012/CloudTrail/us-east-1/2026/12/01/123456789012_CloudTrail_us-east-1_20261201T1205Z_Ab3d.json.gz"

func lmRecord(id string) string {
	return fmt.Sprintf(`{"eventVersion":"1.09","eventTime":"2026-12-01T12:00:00Z","eventSource":"lookoutmetrics.amazonaws.com",`+
		`"eventName":"ListAlerts","awsRegion":"us-east-1","eventID":%q,"readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"123456789012"}`, id)
}

func TestSQSInputDeliversFilesAndEventBridgeEvents(t *testing.T) {
	h := startSQSReceiver(t, nil)
	var recs []string
	for i := range 5 {
		recs = append(recs, lmRecord(fmt.Sprintf("00000000-0000-4000-8000-%012d", i)))
	}
	recs = append(recs, `{"eventSource":"ec2.amazonaws.com","eventID":"ec2-1","eventName":"RunInstances"}`) // filtered
	h.s3.objects["trail-bucket/"+sqsTrailKey] = gzipped(t, `{"Records":[`+strings.Join(recs, ",")+`]}`)
	h.queue.Send(fmt.Sprintf(`{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"ObjectCreated:Put",`+
		`"s3":{"bucket":{"name":"trail-bucket"},"object":{"key":%q}}}]}`, sqsTrailKey))
	eb, err := os.ReadFile("../../internal/sqsinput/testdata/messages/eventbridge-api-call.json")
	require.NoError(t, err)
	h.queue.Send(string(eb))
	h.queue.Send(`{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"trail-bucket"}`)

	require.Eventually(t, func() bool { return h.messagesCounted() == 3 }, 10*time.Second, 10*time.Millisecond)
	assert.Len(t, h.queue.Deleted(), 3)
	assert.Equal(t, 0, h.queue.Pending())
	assert.Equal(t, 6, h.sink.LogRecordCount())
	ids := eventIDs(h.sink)
	assert.Contains(t, ids, "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0")
	assert.Contains(t, ids, "00000000-0000-4000-8000-000000000004")

	metadatatest.AssertEqualReceiverAwscloudtrailSqsRecords(t, h.tel, []metricdata.DataPoint[int64]{
		{Value: 6, Attributes: attribute.NewSet(attribute.String("outcome", "emitted"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("outcome", "filtered"))},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualReceiverAwscloudtrailSqsFiles(t, h.tel, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("class", "trail"), attribute.String("outcome", "done"))},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualReceiverAwscloudtrailSqsMessages(t, h.tel, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("message_kind", "s3_event"), attribute.String("outcome", "deleted"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("message_kind", "eventbridge_cloudtrail"), attribute.String("outcome", "deleted"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("message_kind", "s3_test_event"), attribute.String("outcome", "deleted"))},
	}, metricdatatest.IgnoreTimestamp())
}

// Shutdown returns within 5 s during a 20 s long poll.
func TestSQSShutdownDuringLongPoll(t *testing.T) {
	h := startSQSReceiver(t, nil)
	require.Eventually(t, func() bool { return h.queue.Calls("ReceiveMessage") >= 1 }, 5*time.Second, 5*time.Millisecond)
	start := time.Now()
	require.NoError(t, h.r.Shutdown(context.Background()))
	assert.Less(t, time.Since(start), 5*time.Second)
}

// Shutdown returns within 5 s mid-file, and the message is given back, not deleted.
func TestSQSShutdownMidFile(t *testing.T) {
	h := startSQSReceiver(t, nil)
	h.s3.hold, h.s3.holding = make(chan struct{}), make(chan struct{})
	h.s3.objects["trail-bucket/"+sqsTrailKey] = gzipped(t, `{"Records":[`+lmRecord("a")+`,`+lmRecord("b")+`]}`)
	id := h.queue.Send(fmt.Sprintf(`{"s3Bucket":"trail-bucket","s3ObjectKey":[%q]}`, sqsTrailKey))
	<-h.s3.holding
	start := time.Now()
	require.NoError(t, h.r.Shutdown(context.Background()))
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Empty(t, h.queue.Deleted())
	assert.Equal(t, 1, h.queue.Receives(id))
	assert.GreaterOrEqual(t, h.queue.Calls("ChangeMessageVisibility"), 1, "given back at once")
}

// A pipeline that refuses leaves the message; it comes back after its visibility timeout
// and is delivered then, once.
func TestSQSRefusedMessageComesBack(t *testing.T) {
	sink := new(consumertest.LogsSink)
	next := &refusingLogs{sink: sink, refuseFirst: 2}
	h := startSQSReceiverWith(t, func(c *Config) { c.SQS.VisibilityTimeout = time.Second }, next)
	eb, err := os.ReadFile("../../internal/sqsinput/testdata/messages/eventbridge-api-call.json")
	require.NoError(t, err)
	id := h.queue.Send(string(eb))
	require.Eventually(t, func() bool { return len(h.queue.Deleted()) == 1 }, 15*time.Second, 10*time.Millisecond)
	assert.Equal(t, 3, h.queue.Receives(id), "refused twice, accepted the third time")
	assert.Equal(t, 1, sink.LogRecordCount())
}

// refusingLogs refuses the first refuseFirst batches (a retryable error), then accepts.
type refusingLogs struct {
	sink        *consumertest.LogsSink
	mu          sync.Mutex
	refuseFirst int
}

func (c *refusingLogs) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (c *refusingLogs) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	c.mu.Lock()
	refuse := c.refuseFirst > 0
	c.refuseFirst--
	c.mu.Unlock()
	if refuse {
		return errors.New("downstream unavailable")
	}
	return c.sink.ConsumeLogs(ctx, ld)
}

// A queue URL that names no region, with no sqs.region and no region in the environment:
// Start fails naming the key (Validate reads nothing from the host to know it).
func TestSQSStartWithoutRegionNamesTheKey(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	cfg := createDefaultConfig().(*Config)
	cfg.LookupEvents = false
	cfg.SQS.QueueURL = "http://127.0.0.1:9/000000000000/q"
	require.NoError(t, cfg.Validate())
	r, err := newReceiver(metadatatest.NewSettings(componenttest.NewTelemetry()), cfg, new(consumertest.LogsSink))
	require.NoError(t, err)
	err = r.Start(context.Background(), newTestHost())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sqs.region")
	require.NoError(t, r.Shutdown(context.Background()))
}

func TestQueueRegionFromURL(t *testing.T) {
	assert.Equal(t, "eu-west-1", sqsinput.QueueRegion("https://sqs.eu-west-1.amazonaws.com/123456789012/q"))
	assert.Equal(t, "us-east-2", sqsinput.QueueRegion("https://us-east-2.queue.amazonaws.com/123456789012/q"))
	assert.Equal(t, "cn-north-1", sqsinput.QueueRegion("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q"))
	assert.Equal(t, "eusc-de-east-1", sqsinput.QueueRegion("https://sqs.eusc-de-east-1.amazonaws.eu/123456789012/q"))
	assert.Empty(t, sqsinput.QueueRegion("http://127.0.0.1:4566/000000000000/q"))
}

// A queue URL that names no AWS host (a local or private server) is where SQS is asked
// when sqs.endpoint is unset: the SDK otherwise sends every call to AWS's endpoint for
// the region, whatever host the queue URL names.
func TestSQSQueueURLOfALocalServerIsItsEndpoint(t *testing.T) {
	h := startSQSReceiver(t, func(c *Config) { c.SQS.Endpoint = "" })
	h.queue.Send(`{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"trail-bucket"}`)
	require.Eventually(t, func() bool { return len(h.queue.Deleted()) == 1 }, 10*time.Second, 10*time.Millisecond)
}
