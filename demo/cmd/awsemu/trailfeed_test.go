// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/demo/trailfeed"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
)

func TestFeedFlagsRejected(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKID")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	for _, args := range [][]string{
		{"-eventbridge-queue-url", "http://q/0/a"},
		{"-sqs-endpoint", "http://127.0.0.1:1"},
		{"-sqs-endpoint", "http://127.0.0.1:1", "-trail-queue-url", "http://q/0/a"},
		{"-sqs-endpoint", "http://127.0.0.1:1", "-eventbridge-queue-url", "http://q/0/a", "-s3-endpoint", "http://127.0.0.1:2"},
		{"-sqs-endpoint", "http://127.0.0.1:1", "-trail-queue-url", "http://q/0/a", "-s3-endpoint", "http://127.0.0.1:2", "-trail-interval", "0s"},
	} {
		var stderr bytes.Buffer
		_, err := parseFlags(args, &stderr)
		require.Error(t, err, args)
		assert.Contains(t, stderr.String(), "-", args)
	}
	cfg, err := parseFlags([]string{"-sqs-endpoint", "http://127.0.0.1:1", "-eventbridge-queue-url", "http://q/0/a"}, io.Discard)
	require.NoError(t, err, "EventBridge events alone")
	assert.True(t, cfg.feed.enabled())

	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	var stderr bytes.Buffer
	_, err = parseFlags([]string{"-sqs-endpoint", "http://127.0.0.1:1", "-eventbridge-queue-url", "http://q/0/a"}, &stderr)
	require.Error(t, err)
	assert.Contains(t, stderr.String(), "AWS_SECRET_ACCESS_KEY")
}

// The command with the feed on, against versitygw and fauxqs: it creates the bucket and
// the queue, and every call of its live workload arrives on the one queue as an
// EventBridge event and in a trail file named by an S3 notification, each exactly once.
func TestCommandFeedsTrailFilesAndEventBridge(t *testing.T) {
	s3URL, sqsURL := sqstest.StartVersityGW(t), sqstest.StartFauxqs(t)
	t.Setenv("AWS_ACCESS_KEY_ID", sqstest.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", sqstest.SecretKey)
	queue := sqsURL + "/000000000000/cloudtrail"
	cmd, _, stderr := startCommand(t, "-workload-rate", "20", "-workload-duration", "2s", "-seed-events", "50", "-seed-span", "1h",
		"-delivery-delay-min", "1h", "-delivery-delay-max", "1h",
		"-sqs-endpoint", sqsURL, "-s3-endpoint", s3URL, "-trail-bucket", "trail", "-trail-interval", "1s", "-feed-create",
		"-eventbridge-queue-url", queue, "-trail-queue-url", queue)

	creds := credentials.NewStaticCredentialsProvider(sqstest.AccessKey, sqstest.SecretKey, "")
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	q, s3c := trailfeed.NewSQS(sqsURL, "us-east-1", creds, hc), trailfeed.NewS3(s3URL, "us-east-1", creds, hc)

	eventBridge, inFiles := map[string]int{}, map[string]int{}
	receive := func() {
		res, err := q.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		require.NoError(t, err)
		for _, m := range res.Messages {
			msg := sqsinput.Parse([]byte(aws.ToString(m.Body)))
			switch msg.Kind {
			case sqsinput.KindEventBridgeRecord:
				eventBridge[eventID(t, msg.Record)]++
			case sqsinput.KindS3Event:
				for _, o := range msg.Objects {
					for _, r := range trailRecords(t, s3c, o) {
						inFiles[eventID(t, r)]++
					}
				}
			default:
				t.Fatalf("unexpected message %s", aws.ToString(m.Body))
			}
			_, err := q.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(queue), ReceiptHandle: m.ReceiptHandle})
			require.NoError(t, err)
		}
	}
	// The workload runs 2 s; the last file follows within the 1 s interval.
	done := regexp.MustCompile(`msg="workload done" calls=(\d+) `)
	calls := -1
	ok := assert.Eventually(t, func() bool {
		receive()
		if m := done.FindStringSubmatch(stderr.String()); m != nil {
			calls, _ = strconv.Atoi(m[1])
		}
		return calls > 0 && len(eventBridge) == calls && len(inFiles) == calls
	}, 30*time.Second, 10*time.Millisecond)
	require.True(t, ok, "%d calls: %d EventBridge events, %d records in trail files; stderr:\n%s", calls, len(eventBridge), len(inFiles), stderr.String())
	t.Logf("%d calls: %d EventBridge events, %d records in trail files", calls, len(eventBridge), len(inFiles))
	for i := 0; i < 3; i++ { // nothing more comes
		receive()
	}
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.NoError(t, cmd.Wait(), stderr.String())
	assert.Len(t, eventBridge, calls, "nothing more after the workload")
	for id, n := range eventBridge {
		assert.Equal(t, 1, n, "EventBridge event of %s once", id)
		assert.Equal(t, 1, inFiles[id], "%s in one trail file once", id)
	}
	assert.Equal(t, len(eventBridge), len(inFiles), "no seeded event is fed")
	assert.Contains(t, stderr.String(), `msg="real-time feed done"`)
	assert.Contains(t, stderr.String(), "failed_requests=0")
}

func eventID(t *testing.T, record []byte) string {
	var r struct {
		EventID string `json:"eventID"`
	}
	require.NoError(t, json.Unmarshal(record, &r))
	require.NotEmpty(t, r.EventID)
	return r.EventID
}

func trailRecords(t *testing.T, c *s3.Client, o sqsinput.Object) []json.RawMessage {
	obj, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(o.Key)})
	require.NoError(t, err)
	defer obj.Body.Close()
	zr, err := gzip.NewReader(obj.Body)
	require.NoError(t, err)
	var f struct{ Records []json.RawMessage }
	require.NoError(t, json.NewDecoder(zr).Decode(&f))
	return f.Records
}
