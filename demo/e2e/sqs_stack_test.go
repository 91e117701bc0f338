// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
)

// The SQS input's process-level tests: the real collector binary reads trail files from
// versitygw (S3) named by S3 event notifications in a fauxqs (SQS) queue, the servers the
// product's integration tests use (make sets VERSITYGW_BIN and FAUXQS_LAUNCHER).

const (
	sqsBucket  = "org-trail"
	sqsAccount = "123456789012"
)

// otelcolBin returns the collector binary, or skips the test.
func otelcolBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("OTELCOL_BIN")
	if bin == "" {
		t.Skip("end-to-end tests need OTELCOL_BIN; `make test` builds it and sets it")
	}
	return bin
}

// envInt reads a positive integer from the environment, or def.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, name)
	require.Positive(t, n, name)
	return n
}

// sqsStack is versitygw and fauxqs on loopback, with one bucket and one queue.
type sqsStack struct {
	s3URL, sqsURL, queueURL string
	s3                      *s3.Client
	sqs                     *sqs.Client
}

func newSQSStack(t *testing.T, queue string) *sqsStack {
	t.Helper()
	st := &sqsStack{s3URL: sqstest.StartVersityGW(t), sqsURL: sqstest.StartFauxqs(t)}
	cfg := aws.Config{Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(sqstest.AccessKey, sqstest.SecretKey, "")}
	st.s3 = s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint, o.UsePathStyle = aws.String(st.s3URL), true
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	st.sqs = sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(st.sqsURL) })
	ctx := context.Background()
	_, err := st.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(sqsBucket)})
	require.NoError(t, err)
	out, err := st.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(queue)})
	require.NoError(t, err)
	st.queueURL = aws.ToString(out.QueueUrl)
	return st
}

func (st *sqsStack) put(key string, body io.ReadSeeker) error {
	_, err := st.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(sqsBucket), Key: aws.String(key), Body: body})
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// notify sends one S3 event notification per key, ten messages per SendMessageBatch.
func (st *sqsStack) notify(t *testing.T, keys []string, sizes []int64) {
	t.Helper()
	for lo := 0; lo < len(keys); lo += 10 {
		var entries []sqstypes.SendMessageBatchRequestEntry
		for i := lo; i < min(lo+10, len(keys)); i++ {
			entries = append(entries, sqstypes.SendMessageBatchRequestEntry{
				Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(s3Notification(keys[i], sizes[i], i))})
		}
		out, err := st.sqs.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(st.queueURL), Entries: entries})
		require.NoError(t, err)
		require.Empty(t, out.Failed)
	}
}

// queueEmpty reports whether the queue holds no message, visible or in flight.
func (st *sqsStack) queueEmpty() bool {
	out, err := st.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(st.queueURL),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	return err == nil && out.Attributes["ApproximateNumberOfMessages"] == "0" &&
		out.Attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
}

// s3Notification is an S3 event notification (eventVersion 2.1) as S3 sends it for a
// PutObject: the key form-encoded per path segment ("trail logs" -> "trail+logs").
func s3Notification(key string, size int64, seq int) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.QueryEscape(s)
	}
	return fmt.Sprintf(`{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",`+
		`"eventTime":"2026-12-01T12:05:31.%03dZ","eventName":"ObjectCreated:Put",`+
		`"userIdentity":{"principalId":"AWS:AROAEXAMPLEROLEID:cloudtrail"},"requestParameters":{"sourceIPAddress":"10.0.0.1"},`+
		`"responseElements":{"x-amz-request-id":"C3D13FE58DE4C%03d","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},`+
		`"s3":{"s3SchemaVersion":"1.0","configurationId":"trail-files","bucket":{"name":%q,"ownerIdentity":{"principalId":"A3NL1KOZZKExample"},`+
		`"arn":"arn:aws:s3:::%s"},"object":{"key":%q,"size":%d,"eTag":"d41d8cd98f00b204e9800998ecf8427e","sequencer":"0055AED6DCD9028%03d"}}}]}`,
		seq%1000, seq%1000, sqsBucket, sqsBucket, strings.Join(segs, "/"), size, seq%1000)
}

// trailObjectKey is where CloudTrail delivers file n, under a prefix with a space (so the
// notification's key is form-encoded).
func trailObjectKey(n int) string {
	return fmt.Sprintf("trail logs/AWSLogs/%s/CloudTrail/us-east-1/2026/12/01/%s_CloudTrail_us-east-1_20261201T%02d%02dZ_f%05d.json.gz",
		sqsAccount, sqsAccount, (n/60)%24, n%60, n)
}

// eventID is record i of file n; fileOf reads n back.
func eventID(n, i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", n, i) }

func fileOf(id string) int {
	n, err := strconv.ParseUint(id[:8], 16, 32)
	if err != nil {
		return -1
	}
	return int(n)
}

// writeTrail writes file n's {"Records":[...]} to w: at least records records and at
// least minBytes bytes, each record's requestParameters padded with pad. sourceOf names
// record i's event source. It returns the number of records.
func writeTrail(w io.Writer, n, records int, minBytes int64, pad string, sourceOf func(int) string) (int, error) {
	var written int64
	if _, err := io.WriteString(w, `{"Records":[`); err != nil {
		return 0, err
	}
	i := 0
	for ; i < records || written < minBytes; i++ {
		sep := ","
		if i == 0 {
			sep = ""
		}
		m, err := fmt.Fprintf(w, `%s{"eventVersion":"1.11","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID:reader",`+
			`"arn":"arn:aws:sts::%s:assumed-role/reader/s%d","accountId":"%s"},"eventTime":"2026-12-01T12:%02d:%02dZ",`+
			`"eventSource":%q,"eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.%d",`+
			`"userAgent":"aws-sdk-go-v2/1.30.0","requestParameters":{"bucketName":"data","key":"%s/%d"},"responseElements":null,`+
			`"requestID":"REQ%08X%08X","eventID":%q,"readOnly":true,"eventType":"AwsApiCall","managementEvent":false,`+
			`"recipientAccountId":"%s","eventCategory":"Data"}`,
			sep, sqsAccount, i%97, sqsAccount, (i/60)%60, i%60, sourceOf(i), i%250, pad, i, n, i, eventID(n, i), sqsAccount)
		if err != nil {
			return i, err
		}
		written += int64(m)
	}
	_, err := io.WriteString(w, "]}")
	return i, err
}

// sqsCollector is a collector process running testdata/e2e/sqs.yaml, exporting to its
// own sink.
type sqsCollector struct {
	*collector
	sink *idSink
}

type sqsCollectorOptions struct {
	workers      int
	visibility   time.Duration
	eventSources string // a YAML list
}

func startSQSCollector(t *testing.T, bin, name string, st *sqsStack, o sqsCollectorOptions) *sqsCollector {
	t.Helper()
	c := &sqsCollector{collector: &collector{metricsPort: freePort(t)}, sink: startIDSink(t)}
	env := childEnv(
		// versitygw's root credentials; fauxqs takes any.
		"AWS_ACCESS_KEY_ID="+sqstest.AccessKey, "AWS_SECRET_ACCESS_KEY="+sqstest.SecretKey,
		"E2E_SQS_QUEUE_URL="+st.queueURL, "E2E_SQS_ENDPOINT="+st.sqsURL, "E2E_S3_ENDPOINT="+st.s3URL,
		"E2E_SQS_WORKERS="+strconv.Itoa(o.workers), "E2E_SQS_VISIBILITY_TIMEOUT="+o.visibility.String(),
		"E2E_SQS_EVENT_SOURCES="+o.eventSources,
		"E2E_OUTPUT_URL="+c.sink.srv.URL, "E2E_METRICS_PORT="+strconv.Itoa(c.metricsPort),
	)
	c.process = start(t, name, env, bin, "--config", "../../testdata/e2e/sqs.yaml")
	c.waitForLine(t, "Everything is ready", 60*time.Second)
	return c
}

// kill ends the collector with SIGKILL and waits until it is gone; its sink then waits
// for the requests it had in hand, so its counts are final.
func (c *sqsCollector) kill(t *testing.T) {
	t.Helper()
	c.killed = true
	require.NoError(t, c.cmd.Process.Kill())
	<-c.done
	c.sink.srv.Close()
}

// counterMetric reads a counter by its Prometheus name, with or without the _total suffix.
func (c *sqsCollector) counterMetric(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	return c.metric(t, name, labels...) + c.metric(t, name+"_total", labels...)
}
