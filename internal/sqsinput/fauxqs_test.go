// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
)

type fauxqs struct {
	url string
	sqs *sqs.Client
	sns *sns.Client
}

func newFauxqs(t *testing.T) *fauxqs {
	url := sqstest.StartFauxqs(t)
	cfg := testAWSConfig()
	return &fauxqs{url: url,
		sqs: sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(url) }),
		sns: sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(url) })}
}

func (f *fauxqs) queue(t *testing.T, name string) string {
	out, err := f.sqs.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name)})
	require.NoError(t, err)
	return aws.ToString(out.QueueUrl)
}

func (f *fauxqs) send(t *testing.T, queueURL, body string) {
	_, err := f.sqs.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(body)})
	require.NoError(t, err)
}

// count is the number of messages in the queue, visible and in flight.
func (f *fauxqs) count(t *testing.T, queueURL string) (visible, inFlight string) {
	out, err := f.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(queueURL),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	require.NoError(t, err)
	return out.Attributes["ApproximateNumberOfMessages"], out.Attributes["ApproximateNumberOfMessagesNotVisible"]
}

// runInput runs an input on a fauxqs queue with the real SQS and S3 clients.
func runInput(t *testing.T, f *fauxqs, queueURL, s3URL string, set Settings, next *recordingConsumer) (*countMetrics, func()) {
	metrics := &countMetrics{}
	in := New(set, Deps{
		Queue:   NewSQSQueue(testAWSConfig(), queueURL, f.url),
		Objects: NewS3Objects(testAWSConfig(), s3URL, "us-east-1"),
		Next:    next, Dedupe: dedupe.New(time.Hour, 0, nil), Metrics: metrics,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); in.Run(ctx) }()
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return metrics, stop
}

// Every message kind through fauxqs and the real SDK clients: S3 notifications direct,
// through SNS with and without raw delivery, CloudTrail's notification, EventBridge
// object and CloudTrail events, a test event and junk.
func TestFauxqsEveryMessageKind(t *testing.T) {
	f := newFauxqs(t)
	ctx := context.Background()
	q := f.queue(t, "trail-files")
	var topics []*string
	for _, raw := range []string{"true", "false"} {
		topic, err := f.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("trail-topic-raw-" + raw)})
		require.NoError(t, err)
		_, err = f.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
			Endpoint:   aws.String("arn:aws:sqs:us-east-1:000000000000:trail-files"),
			Attributes: map[string]string{"RawMessageDelivery": raw}})
		require.NoError(t, err)
		topics = append(topics, topic.TopicArn)
	}
	s3 := newS3Server(t)
	keys := map[string]string{}
	for _, name := range []string{"direct", "sns", "ct", "eb"} {
		keys[name] = "my logs/" + trailKey("123456789012", "us-east-1", name)
		s3.put(bucket, "us-east-1", keys[name], gz(t, trailFile(name, 6))) // 2 Lookout for Metrics records each
	}
	enc := func(k string) string { return strings.ReplaceAll(k, " ", "+") }
	f.send(t, q, s3EventBody(bucket, "us-east-1", enc(keys["direct"])))
	for _, topic := range topics { // the queue gets it twice: raw and wrapped in an SNS envelope
		_, err := f.sns.Publish(ctx, &sns.PublishInput{TopicArn: topic, Message: aws.String(s3EventBody(bucket, "us-east-1", enc(keys["sns"])))})
		require.NoError(t, err)
	}
	f.send(t, q, fmt.Sprintf(`{"s3Bucket":%q,"s3ObjectKey":[%q]}`, bucket, keys["ct"]))
	f.send(t, q, fmt.Sprintf(`{"version":"0","id":"1","detail-type":"Object Created","source":"aws.s3","account":"123456789012","region":"us-east-1",`+
		`"detail":{"bucket":{"name":%q},"object":{"key":%q}}}`, bucket, strings.ReplaceAll(keys["eb"], " ", "%20")))
	f.send(t, q, string(readMessage(t, "eventbridge-api-call.json")))
	f.send(t, q, string(readMessage(t, "s3-test-event.json")))
	f.send(t, q, "junk")

	set := defaultSettings()
	set.WaitTime = time.Second
	next := &recordingConsumer{}
	metrics, _ := runInput(t, f, q, s3.URL, set, next)
	requireEventually(t, func() bool { return metrics.sum("message ", " deleted") == 8 }, "eight messages deleted: %v", metrics)
	visible, inFlight := f.count(t, q)
	assert.Equal(t, "0", visible)
	assert.Equal(t, "0", inFlight)
	assert.Equal(t, 3, metrics.get("message s3_event deleted"), "direct, SNS raw, SNS wrapped")
	assert.Equal(t, 1, metrics.get("message cloudtrail_notification deleted"))
	assert.Equal(t, 1, metrics.get("message eventbridge_object_created deleted"))
	assert.Equal(t, 1, metrics.get("message eventbridge_cloudtrail deleted"))
	assert.Equal(t, 1, metrics.get("message s3_test_event deleted"))
	assert.Equal(t, 1, metrics.get("message unknown deleted"))
	// 4 files of 2 kept records, plus the EventBridge record; the SNS copy read twice is
	// de-duplicated.
	assert.Len(t, next.accepted(), 9)
	assert.Equal(t, 2, metrics.get("records duplicate"))
}

// A refused message comes back after its visibility timeout and is delivered then.
func TestFauxqsRefusedMessageComesBack(t *testing.T) {
	f := newFauxqs(t)
	q := f.queue(t, "refused")
	f.send(t, q, string(readMessage(t, "eventbridge-api-call.json")))
	set := defaultSettings()
	set.WaitTime, set.VisibilityTimeout = time.Second, time.Second
	next := &recordingConsumer{refuse: func(call int, _ plog.Logs) error {
		if call == 1 {
			return errors.New("downstream unavailable")
		}
		return nil
	}}
	metrics, _ := runInput(t, f, q, "http://127.0.0.1:9", set, next)
	requireEventually(t, func() bool { return metrics.get("message eventbridge_cloudtrail deleted") == 1 }, "delivered on the second receive")
	assert.Equal(t, 1, metrics.get("message eventbridge_cloudtrail retry"))
	assert.Len(t, next.accepted(), 1)
}

// The heartbeat keeps a message invisible past its visibility timeout while its file is
// in work: another consumer polling the queue meanwhile gets nothing.
func TestFauxqsHeartbeatKeepsMessageInvisible(t *testing.T) {
	f := newFauxqs(t)
	q := f.queue(t, "slow")
	s3 := newS3Server(t)
	key := trailKey("123456789012", "us-east-1", "slow")
	s3.put(bucket, "us-east-1", key, gz(t, trailFile("s", 300)))
	release, held := make(chan struct{}), make(chan struct{})
	s3.hold = func(*http.Request) { close(held); <-release }
	f.send(t, q, s3EventBody(bucket, "us-east-1", key))
	set := defaultSettings()
	set.WaitTime, set.VisibilityTimeout = time.Second, 2*time.Second
	next := &recordingConsumer{}
	metrics, _ := runInput(t, f, q, s3.URL, set, next)
	<-held
	// Another consumer long-polls for 3 visibility timeouts: the message stays invisible.
	deadline := time.Now().Add(3 * set.VisibilityTimeout)
	for time.Now().Before(deadline) {
		out, err := f.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 1})
		require.NoError(t, err)
		require.Empty(t, out.Messages, "another consumer took the message in work")
	}
	close(release)
	requireEventually(t, func() bool { return metrics.get("message s3_event deleted") == 1 }, "deleted once done")
	assert.Len(t, next.accepted(), 100)
}
