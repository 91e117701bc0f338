// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// t0 is "now" on the fake clock when a harness starts.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const testAKID = "AKIDEXAMPLE"

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
	srv   *Server
	url   string
	clock *fakeClock
}

// newHarness starts a server on 127.0.0.1 with a fake clock at t0. The quota is
// unlimited unless opts sets RequestsPerSecond.
func newHarness(t *testing.T, opts Options) *harness {
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

// client returns an SDK client for region us-east-1 with retries disabled.
// (NewHTTPClient: see its doc.)
func (h *harness) client(akid string, optFns ...func(*cloudtrail.Options)) *cloudtrail.Client {
	return cloudtrail.New(cloudtrail.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(h.url),
		Credentials:      credentials.NewStaticCredentialsProvider(akid, "secret", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       NewHTTPClient(),
	}, optFns...)
}

// seed adds n events one minute apart, the newest at newest, and returns them oldest
// first. spec may customise each event.
func (h *harness) seed(n int, newest time.Time, spec func(i int, s *RecordSpec)) []Event {
	evs := make([]Event, n)
	for i := range evs {
		s := RecordSpec{EventTime: newest.Add(-time.Duration(n-1-i) * time.Minute),
			EventName: fmt.Sprintf("Op%03d", i)}
		if spec != nil {
			spec(i, &s)
		}
		evs[i] = NewRecord(s)
	}
	h.srv.Store().Add(evs...)
	return evs
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

func eventIDs(evs []types.Event) []string {
	ids := make([]string, len(evs))
	for i, e := range evs {
		ids[i] = aws.ToString(e.EventId)
	}
	return ids
}

// newestFirstIDs returns the IDs of oldest-first events, newest first.
func newestFirstIDs(evs []Event) []string {
	ids := make([]string, len(evs))
	for i, e := range evs {
		ids[len(evs)-1-i] = e.EventID
	}
	return ids
}

func attr(k types.LookupAttributeKey, v string) []types.LookupAttribute {
	return []types.LookupAttribute{{AttributeKey: k, AttributeValue: aws.String(v)}}
}

// requireAPIError asserts err is an AWS API error with the given code.
func requireAPIError(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "want API error %s, got %v", code, err)
	require.Equal(t, code, apiErr.ErrorCode())
}
