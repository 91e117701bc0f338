// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// Known fake credentials: tests search for them where they must not be.
const (
	testAccessKey = "ASIAFAKEKEYFORTEST01"
	testSecret    = "fakeSecretKey/ForTests+0123456789abcdefABCDEF"
	testToken     = "FakeSessionTokenForTests/0123456789+abcdefghijklmnopqrstuvwxyzABCDEF=="
	lfm           = "lookoutmetrics.amazonaws.com"
	amzJSON       = "application/x-amz-json-1.1"
)

var signatureRE = regexp.MustCompile(`Signature=([0-9a-f]{64})`)

// testConfig is an SDK config with the fake credentials; mutate may change it.
func testConfig(mutate func(*aws.Config)) aws.Config {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, testToken),
	}
	if mutate != nil {
		mutate(&cfg)
	}
	return cfg
}

// noRetries turns the SDK's retries off (AWS_MAX_ATTEMPTS=1 does the same).
func noRetries(cfg *aws.Config) { cfg.RetryMaxAttempts = 1 }

// newClient returns a Client over NewSDKClient for url.
func newClient(t testing.TB, url string, mutate func(*aws.Config)) *cloudtrail.Client {
	t.Helper()
	api, closeIdle := cloudtrail.NewSDKClient(testConfig(mutate), cloudtrail.SDKOptions{Endpoint: url})
	t.Cleanup(closeIdle)
	return cloudtrail.NewClient(api)
}

// lastHour is a query over the hour before now.
func lastHour() cloudtrail.Query {
	now := time.Now().UTC()
	return cloudtrail.Query{EventSource: lfm, Start: now.Add(-time.Hour), End: now}
}

// emulator is the AWS emulator behind an httptest server that keeps every SigV4
// signature it received.
type emulator struct {
	srv *awsemu.Server
	url string
	mu  sync.Mutex
	sig []string
}

func newEmulator(t *testing.T, events int) *emulator {
	t.Helper()
	e := &emulator{srv: awsemu.New(awsemu.Options{RequestsPerSecond: -1})}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m := signatureRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			e.mu.Lock()
			e.sig = append(e.sig, m[1])
			e.mu.Unlock()
		}
		e.srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	e.url = ts.URL
	now := time.Now().UTC()
	for i := range events {
		e.srv.Store().Add(awsemu.NewRecord(awsemu.RecordSpec{
			EventSource: lfm, EventName: "ListAlerts", ReadOnly: true,
			EventTime: now.Add(-time.Duration(i+1) * time.Minute),
		}))
	}
	return e
}

func (e *emulator) signatures() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.sig...)
}

// canned is one HTTP response.
type canned struct {
	body   []byte
	status int
	ctype  string
}

// cannedServer answers every request with the response last stored.
type cannedServer struct {
	resp atomic.Pointer[canned]
	url  string
}

func newCannedServer(t testing.TB) *cannedServer {
	t.Helper()
	s := &cannedServer{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		c := s.resp.Load()
		w.Header().Set("Content-Type", c.ctype) // set even when empty: no sniffing
		w.Header().Set("X-Amzn-RequestId", "7e1c5a3e-0000-4000-8000-000000000000")
		w.WriteHeader(c.status)
		_, _ = w.Write(c.body)
	}))
	t.Cleanup(ts.Close)
	s.url = ts.URL
	return s
}

func (s *cannedServer) set(body string, status int, ctype string) {
	s.resp.Store(&canned{body: []byte(body), status: status, ctype: ctype})
}

// requireNoSecret fails when text holds the secret key, the session token or one of sigs.
func requireNoSecret(t *testing.T, text string, sigs []string) {
	t.Helper()
	require.NotContains(t, text, testSecret)
	require.NotContains(t, text, testToken)
	for _, s := range sigs {
		require.NotContains(t, text, s)
	}
}
