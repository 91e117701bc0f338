package lmemu

import (
	"context"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// t0 is "now" on the fake clock when a harness starts.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const testAKID = "AKIDEXAMPLE"

// testAuth is a SigV4 Authorization header of a raw request.
const testAuth = "AWS4-HMAC-SHA256 Credential=AKIDRAW/20260301/us-east-1/cloudtrail/aws4_request, " +
	"SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=deadbeef"

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type harness struct {
	srv   *awsemu.Server
	url   string
	clock *fakeClock
}

// newHarness starts a server with the Lookout for Metrics API on 127.0.0.1 with a
// fake clock at t0. The quota is unlimited unless opts sets RequestsPerSecond.
func newHarness(t *testing.T, opts awsemu.Options) *harness {
	t.Helper()
	clock := &fakeClock{now: t0}
	opts.Clock = clock.Now
	if opts.RequestsPerSecond == 0 {
		opts.RequestsPerSecond = -1
	}
	srv := New(opts)
	url, err := srv.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return &harness{srv: srv, url: url, clock: clock}
}

// client returns a CloudTrail client for region us-east-1 with retries disabled.
func (h *harness) client(akid string) *cloudtrail.Client {
	return cloudtrail.New(cloudtrail.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(h.url),
		Credentials:      credentials.NewStaticCredentialsProvider(akid, "secret", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       awsemu.NewHTTPClient(),
	})
}

func lookup(t *testing.T, c *cloudtrail.Client, in *cloudtrail.LookupEventsInput) (*cloudtrail.LookupEventsOutput, error) {
	t.Helper()
	return c.LookupEvents(context.Background(), in)
}

// lookupAll pages through every result and returns the events and the page count.
func lookupAll(t *testing.T, c *cloudtrail.Client, in *cloudtrail.LookupEventsInput) ([]types.Event, int) {
	t.Helper()
	var all []types.Event
	pages := 0
	p := cloudtrail.NewLookupEventsPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		require.NoError(t, err)
		all = append(all, out.Events...)
		pages++
	}
	return all, pages
}

// newestFirstIDs returns the IDs of oldest-first events, newest first.
func newestFirstIDs(evs []awsemu.Event) []string {
	ids := make([]string, len(evs))
	for i, e := range evs {
		ids[len(evs)-1-i] = e.EventID
	}
	return ids
}

func attr(k types.LookupAttributeKey, v string) []types.LookupAttribute {
	return []types.LookupAttribute{{AttributeKey: k, AttributeValue: aws.String(v)}}
}
