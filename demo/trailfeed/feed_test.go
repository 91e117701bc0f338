// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package trailfeed

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type servers struct {
	s3  *s3.Client
	sqs *sqs.Client
}

// startServers runs versitygw and fauxqs (skipped without them, failed under CI=true).
func startServers(t *testing.T) servers {
	s3URL, sqsURL := sqstest.StartVersityGW(t), sqstest.StartFauxqs(t)
	creds := credentials.NewStaticCredentialsProvider(sqstest.AccessKey, sqstest.SecretKey, "")
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	return servers{s3: NewS3(s3URL, "us-east-1", creds, hc), sqs: NewSQS(sqsURL, "us-east-1", creds, hc)}
}

// receive takes n messages off the queue (deleting them) and fails after 20 s.
func (s servers) receive(t *testing.T, queueURL string, n int) [][]byte {
	t.Helper()
	var out [][]byte
	require.Eventually(t, func() bool {
		res, err := s.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL),
			MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		require.NoError(t, err)
		for _, m := range res.Messages {
			out = append(out, []byte(aws.ToString(m.Body)))
			_, err := s.sqs.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(queueURL), ReceiptHandle: m.ReceiptHandle})
			require.NoError(t, err)
		}
		return len(out) >= n
	}, 20*time.Second, 10*time.Millisecond)
	require.Len(t, out, n)
	return out
}

// readTrail returns the records of a trail file in the bucket.
func (s servers) readTrail(t *testing.T, o sqsinput.Object) []json.RawMessage {
	t.Helper()
	obj, err := s.s3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(o.Key)})
	require.NoError(t, err)
	defer obj.Body.Close()
	zr, err := gzip.NewReader(obj.Body)
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	var f struct{ Records []json.RawMessage }
	require.NoError(t, json.Unmarshal(b, &f))
	return f.Records
}

var keyRE = regexp.MustCompile(`^AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/\d{4}/\d{2}/\d{2}/(\d{12})_CloudTrail_([a-z0-9-]+)_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$`)

// The feed against real servers: every new call goes at once to the queue as an
// EventBridge event whose detail is the record byte for byte; at each interval each
// account-region's calls are one gzip trail file in the bucket, named as CloudTrail names
// it, followed by its S3 notification on the same queue. An upload that fails (no
// bucket yet) keeps its records for the next interval; a stop writes the last files.
func TestFeedDeliversToS3AndSQS(t *testing.T) {
	srv := startServers(t)
	ctx := context.Background()
	queue, err := EnsureQueue(ctx, srv.sqs, "http://ignored/000000000000/cloudtrail")
	require.NoError(t, err)

	st := awsemu.NewStore()
	since := time.Now().Truncate(time.Second)
	st.Add(event("history", "111111111111", "us-east-1", since.Add(-time.Hour)),
		event("history-now", "111111111111", "us-east-1", since)) // there before the feed: not fed
	scans, files := make(chan time.Time), make(chan time.Time)
	var stats Stats
	runCtx, stop := context.WithCancel(ctx)
	f, err := New(Options{Store: st, Since: since, Queue: srv.sqs, EventBridgeQueueURL: queue, TrailQueueURL: queue,
		Objects: srv.s3, Bucket: "trail", Scans: scans, Files: files, Discover: time.Nanosecond})
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Run(runCtx, &stats)
	}()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			stop()
			<-done
		}
	})

	calls := []awsemu.Event{event("a1", "111111111111", "us-east-1", since.Add(time.Second)),
		event("a2", "111111111111", "us-east-1", since.Add(2*time.Second)),
		event("b1", "222222222222", "eu-west-1", since.Add(time.Second))}
	byID := map[string]awsemu.Event{}
	for _, c := range calls {
		byID[c.EventID] = c
	}
	st.Add(calls...)
	scans <- time.Now()
	for _, body := range srv.receive(t, queue, 3) {
		m := sqsinput.Parse(body)
		require.Equal(t, sqsinput.KindEventBridgeRecord, m.Kind, string(body))
		var env struct{ Account, Region string }
		require.NoError(t, json.Unmarshal(body, &env))
		var rec struct{ EventID string }
		require.NoError(t, json.Unmarshal(m.Record, &rec))
		c, ok := byID[rec.EventID]
		require.True(t, ok, rec.EventID)
		assert.Equal(t, c.CloudTrailEvent, string(m.Record), "detail byte for byte")
		assert.Equal(t, c.Account, env.Account)
		assert.Equal(t, c.Region, env.Region)
	}

	// No bucket yet: the upload fails, the records stay.
	files <- time.Now()
	require.Eventually(t, func() bool { return stats.Failures.Load() >= 1 }, 10*time.Second, 10*time.Millisecond)
	assert.Zero(t, stats.Files.Load())
	require.NoError(t, EnsureBucket(ctx, srv.s3, "trail"))
	require.NoError(t, EnsureBucket(ctx, srv.s3, "trail"), "twice is fine")
	files <- time.Now()
	got := map[string][]string{}
	for _, body := range srv.receive(t, queue, 2) {
		m := sqsinput.Parse(body)
		require.Equal(t, sqsinput.KindS3Event, m.Kind, string(body))
		require.Len(t, m.Objects, 1)
		o := m.Objects[0]
		assert.Equal(t, "us-east-1", o.Region, "the bucket's region")
		parts := keyRE.FindStringSubmatch(o.Key)
		require.NotNil(t, parts, o.Key)
		assert.Equal(t, parts[1], parts[3], "the account in the prefix and the name")
		assert.Equal(t, parts[2], parts[4], "the region in the prefix and the name")
		for _, r := range srv.readTrail(t, o) {
			var rec struct{ EventID string }
			require.NoError(t, json.Unmarshal(r, &rec))
			assert.Equal(t, byID[rec.EventID].CloudTrailEvent, string(r), "trail record byte for byte")
			got[parts[1]+"/"+parts[2]] = append(got[parts[1]+"/"+parts[2]], rec.EventID)
		}
	}
	assert.Equal(t, map[string][]string{"111111111111/us-east-1": {"a1", "a2"}, "222222222222/eu-west-1": {"b1"}}, got)
	assert.EqualValues(t, 2, stats.Files.Load())

	// Recorded after the last interval: sent at once, and written when the feed stops.
	st.Add(event("last", "111111111111", "us-east-1", since.Add(3*time.Second)))
	scans <- time.Now()
	srv.receive(t, queue, 1)
	stop()
	stopped = true
	<-done
	body := srv.receive(t, queue, 1)[0]
	m := sqsinput.Parse(body)
	require.Equal(t, sqsinput.KindS3Event, m.Kind)
	recs := srv.readTrail(t, m.Objects[0])
	require.Len(t, recs, 1)
	assert.Contains(t, string(recs[0]), `"eventID":"last"`)
	assert.EqualValues(t, 4, stats.Events.Load(), "the history is not fed")
	assert.EqualValues(t, 4, stats.EventBridge.Load())
	assert.EqualValues(t, 3, stats.Files.Load())
}

// flakyQueue fails the sends it is told to fail, then passes them to the real client.
type flakyQueue struct {
	Queue
	fail atomic.Int32
}

func (q *flakyQueue) SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	if q.fail.Add(-1) >= 0 {
		return nil, errors.New("injected send failure")
	}
	return q.Queue.SendMessage(ctx, in, optFns...)
}

// A send that fails (the queue unreachable) is retried on the next scan or interval, in
// order: no EventBridge event and no notification is lost or sent twice.
func TestFeedRetriesFailedSends(t *testing.T) {
	srv := startServers(t)
	ctx := context.Background()
	queue, err := EnsureQueue(ctx, srv.sqs, "http://ignored/000000000000/retries")
	require.NoError(t, err)
	require.NoError(t, EnsureBucket(ctx, srv.s3, "trail"))
	st := awsemu.NewStore()
	since := time.Now().Truncate(time.Second)
	q := &flakyQueue{Queue: srv.sqs}
	scans, files := make(chan time.Time), make(chan time.Time)
	f, err := New(Options{Store: st, Since: since, Queue: q, EventBridgeQueueURL: queue, TrailQueueURL: queue,
		Objects: srv.s3, Bucket: "trail", Scans: scans, Files: files, Discover: time.Nanosecond})
	require.NoError(t, err)
	var stats Stats
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); f.Run(runCtx, &stats) }()
	t.Cleanup(func() { stop(); <-done })

	st.Add(event("r1", "111111111111", "us-east-1", since.Add(time.Second)), event("r2", "111111111111", "us-east-1", since.Add(2*time.Second)))
	q.fail.Store(1)
	scans <- time.Now() // r1 fails: nothing is sent, r2 waits behind it
	scans <- time.Now() // the scan after: both, in order
	var order []string
	for _, body := range srv.receive(t, queue, 2) {
		order = append(order, eventID(t, sqsinput.Parse(body).Record))
	}
	assert.Equal(t, []string{"r1", "r2"}, order)

	q.fail.Store(1)
	files <- time.Now() // the file is written, its notification fails
	files <- time.Now() // sent now; no second file (its records were written)
	body := srv.receive(t, queue, 1)[0]
	m := sqsinput.Parse(body)
	require.Equal(t, sqsinput.KindS3Event, m.Kind)
	var ids []string
	for _, r := range srv.readTrail(t, m.Objects[0]) {
		ids = append(ids, eventID(t, r))
	}
	assert.Equal(t, []string{"r1", "r2"}, ids)
	scans <- time.Now() // the loop has handled the second tick
	assert.EqualValues(t, 2, stats.Failures.Load())
	assert.EqualValues(t, 2, stats.EventBridge.Load())
	assert.EqualValues(t, 1, stats.Files.Load())
	res, err := srv.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue), WaitTimeSeconds: 1})
	require.NoError(t, err)
	assert.Empty(t, res.Messages, "nothing twice")
}

func eventID(t *testing.T, record []byte) string {
	t.Helper()
	var r struct {
		EventID string `json:"eventID"`
	}
	require.NoError(t, json.Unmarshal(record, &r))
	return r.EventID
}
