// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fakeQueue hands out the deliveries put into it and records what the input did.
type fakeQueue struct {
	in chan Delivery

	mu       sync.Mutex
	deleted  []string
	visCalls []visCall
	received int
	// hangVisibility makes ChangeVisibility calls of a timeout > 0 wait for their context.
	hangVisibility bool
	// deleteEntered, when set, is closed by the first Delete, which then waits for
	// deleteGate (or its context) and fails if its context ended meanwhile.
	deleteEntered, deleteGate chan struct{}
}

type visCall struct {
	receipt string
	timeout time.Duration
}

func newFakeQueue() *fakeQueue { return &fakeQueue{in: make(chan Delivery, 100)} }

func (q *fakeQueue) put(id, body string) {
	q.in <- Delivery{ID: id, ReceiptHandle: "rh-" + id, Body: body, ReceiveCount: 1}
}

func (q *fakeQueue) Receive(ctx context.Context, n int, _, _ time.Duration) ([]Delivery, error) {
	var out []Delivery
	select {
	case d := <-q.in:
		out = append(out, d)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	for len(out) < n {
		select {
		case d := <-q.in:
			out = append(out, d)
		default:
			q.mu.Lock()
			q.received += len(out)
			q.mu.Unlock()
			return out, nil
		}
	}
	q.mu.Lock()
	q.received += len(out)
	q.mu.Unlock()
	return out, nil
}

func (q *fakeQueue) Delete(ctx context.Context, rh string) error {
	q.mu.Lock()
	entered, gate := q.deleteEntered, q.deleteGate
	q.deleteEntered = nil
	q.mu.Unlock()
	if entered != nil {
		close(entered)
		select {
		case <-gate:
		case <-ctx.Done():
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.deleted = append(q.deleted, rh)
	return nil
}

func (q *fakeQueue) ChangeVisibility(ctx context.Context, rh string, d time.Duration) error {
	q.mu.Lock()
	q.visCalls = append(q.visCalls, visCall{rh, d})
	hang := q.hangVisibility && d > 0
	q.mu.Unlock()
	if hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func (q *fakeQueue) deletedIDs() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.deleted...)
}

func (q *fakeQueue) visibility() []visCall {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]visCall(nil), q.visCalls...)
}

// s3Server is a path-style S3 GetObject server: objects by "bucket/key", each bucket in
// a region; a request signed for another region gets S3's 301 with x-amz-bucket-region.
type s3Server struct {
	*httptest.Server
	mu      sync.Mutex
	objects map[string][]byte
	regions map[string]string
	gets    []string // "region bucket/key" of every request
	// hold, when set, is called in the middle of a body (after half of it was sent).
	hold func(r *http.Request)
	// holdHeaders, when set, is called before anything of the answer is sent.
	holdHeaders func(r *http.Request)
	// fail answers every request for a bucket with this error instead.
	fail map[string]s3Failure
}

// s3Failure is an S3 error answer.
type s3Failure struct {
	status int
	code   string
}

var scopeRE = regexp.MustCompile(`Credential=[^/]+/\d{8}/([a-z0-9-]+)/s3/`)

func newS3Server(t testing.TB) *s3Server {
	s := &s3Server{objects: map[string][]byte{}, regions: map[string]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *s3Server) put(bucket, region, key string, content []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[bucket+"/"+key] = content
	s.regions[bucket] = region
}

func (s *s3Server) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, _, _ := strings.Cut(path, "/")
	m := scopeRE.FindStringSubmatch(r.Header.Get("Authorization"))
	s.mu.Lock()
	signed := ""
	if m != nil {
		signed = m[1]
	}
	s.gets = append(s.gets, signed+" "+path)
	region, known := s.regions[bucket]
	content, ok := s.objects[path]
	hold, holdHeaders := s.hold, s.holdHeaders
	failure, failing := s.fail[bucket]
	s.mu.Unlock()
	if holdHeaders != nil {
		holdHeaders(r)
	}
	w.Header().Set("x-amz-request-id", "TESTREQ")
	switch {
	case r.Method != http.MethodGet:
		w.WriteHeader(http.StatusMethodNotAllowed)
	case failing:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(failure.status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>test</Message></Error>`, failure.code)
	case known && signed != region:
		w.Header().Set("x-amz-bucket-region", region)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusMovedPermanently)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Bucket>%s</Bucket></Error>`, bucket)
	case !ok:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`)
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", fmt.Sprint(len(content)))
		half := len(content) / 2
		_, _ = w.Write(content[:half])
		if hold != nil {
			w.(http.Flusher).Flush()
			hold(r)
		}
		_, _ = w.Write(content[half:])
	}
}

func (s *s3Server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.gets...)
}

func testAWSConfig() aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(sqstest.AccessKey, sqstest.SecretKey, ""),
		HTTPClient:  &http.Client{Transport: &http.Transport{}},
	}
}

// trailFile builds {"Records":[...]} with n records; every third is a Lookout for Metrics
// event, the others EC2's.
func trailFile(prefix string, n int) string {
	var b strings.Builder
	b.WriteString(`{"Records":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		src := "ec2.amazonaws.com"
		if i%3 == 0 {
			src = "lookoutmetrics.amazonaws.com"
		}
		fmt.Fprintf(&b, `{"eventVersion":"1.11","eventTime":"2026-12-01T12:%02d:%02dZ","eventSource":%q,"eventName":"Describe%d",`+
			`"awsRegion":"eu-west-1","eventID":"%s-%04d","readOnly":%v,"eventType":"AwsApiCall","recipientAccountId":"123456789012"}`,
			(i/60)%60, i%60, src, i%5, prefix, i, i%2 == 0)
	}
	b.WriteString(`]}`)
	return b.String()
}

func s3EventBody(bucket, region, encodedKey string) string {
	return fmt.Sprintf(`{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":%q,"eventTime":"2026-12-01T12:05:31.123Z",`+
		`"eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","bucket":{"name":%q,"arn":"arn:aws:s3:::%s"},"object":{"key":%q,"size":1}}}]}`,
		region, bucket, bucket, encodedKey)
}

func trailKey(account, region, name string) string {
	return fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/2026/12/01/%s_CloudTrail_%s_20261201T1205Z_%s.json.gz", account, region, account, region, name)
}

// manualTicker fires when the test says.
type manualTicker struct {
	c       chan time.Time
	stopped chan struct{}
	once    sync.Once
}

func (m *manualTicker) C() <-chan time.Time { return m.c }
func (m *manualTicker) Stop()               { m.once.Do(func() { close(m.stopped) }) }

func requireEventually(t *testing.T, cond func() bool, msg string, args ...any) {
	t.Helper()
	require.Eventually(t, cond, 10*time.Second, 5*time.Millisecond, append([]any{msg}, args...)...)
}
