// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// sdkPage reads the canned response with the SDK's own client and decoder, as a Page.
func sdkPage(ctx context.Context, url string) (cloudtrail.Page, error) {
	client := ctapi.NewFromConfig(testConfig(noRetries), func(o *ctapi.Options) {
		o.BaseEndpoint = aws.String(url)
		// The SDK's client as is, but for the transport's fix of a body closed early
		// (aws/aws-sdk-go-v2#2737), which fails a read now and then, not the decoding.
		o.HTTPClient = &http.Client{Transport: cloudtrail.WrapTransport(http.DefaultTransport)}
	})
	out, err := client.LookupEvents(ctx, &ctapi.LookupEventsInput{})
	if err != nil {
		return cloudtrail.Page{}, err
	}
	page := cloudtrail.Page{Events: make([]cloudtrail.Event, 0, len(out.Events)), NextToken: aws.ToString(out.NextToken)}
	for _, e := range out.Events {
		page.Events = append(page.Events, cloudtrail.Event{ID: aws.ToString(e.EventId), Name: aws.ToString(e.EventName),
			Time: aws.ToTime(e.EventTime), ReadOnly: aws.ToString(e.ReadOnly), Source: aws.ToString(e.EventSource),
			Record: aws.ToString(e.CloudTrailEvent)})
	}
	return page, nil
}

// sameAsSDK checks that a 2xx body this package decodes gives the page the SDK's decoder
// gives, and that one the SDK's decoder refuses for a member's type is refused alike.
func sameAsSDK(t *testing.T, srv *cannedServer, client *cloudtrail.Client, body []byte) {
	t.Helper()
	srv.set(string(body), 200, amzJSON)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := client.Lookup(ctx, lastHour(), "")
	want, sdkErr := sdkPage(ctx, srv.url)
	if errors.Is(err, cloudtrail.ErrMalformedResponse) {
		return // refused before decoding: not a result (the SDK may read it as an empty page)
	}
	if caseVariant(body) {
		return // encoding/json matches member names without regard to case; the SDK does not
	}
	var decodeErr *smithy.DeserializationError
	if sdkErr != nil {
		require.True(t, errors.As(sdkErr, &decodeErr), "the SDK refused %.300q: %v", body, sdkErr)
		require.True(t, errors.As(err, &decodeErr), "the SDK refused %.300q (%v), this package gave %v", body, sdkErr, err)
		return
	}
	require.NoError(t, err, "the SDK read %.300q", body)
	require.Len(t, got.Events, len(want.Events), "%.300q", body)
	got.ServerTime = time.Time{}
	for i := range got.Events {
		require.True(t, got.Events[i].Time.Equal(want.Events[i].Time), "%.300q: event %d time", body, i)
		got.Events[i].Time = want.Events[i].Time
	}
	require.Equal(t, want, got, "%.300q", body)
}

// members are the member names of a result that this package reads.
var members = []string{"Events", "NextToken", "EventId", "EventName", "EventTime", "EventSource", "ReadOnly",
	"CloudTrailEvent", "Username", "AccessKeyId", "Resources", "ResourceType", "ResourceName", "__type"}

// caseVariant reports whether a string of body spells a member name in other case.
func caseVariant(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if s, ok := tok.(string); ok {
			for _, m := range members {
				if s != m && strings.EqualFold(s, m) {
					return true
				}
			}
		}
	}
}

// decodeSeeds are result bodies: a page of real records, and members the SDK reads
// loosely or not at all.
func decodeSeeds(t testing.TB) [][]byte {
	t.Helper()
	var records []string // real records, one per line
	files, err := filepath.Glob("../translate/testdata/*.ndjson")
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, line := range strings.Split(string(b), "\n") {
			if strings.TrimSpace(line) != "" {
				records = append(records, line)
			}
		}
	}
	require.NotEmpty(t, records)
	var events []map[string]any
	for i := range 50 {
		events = append(events, map[string]any{"EventId": fmt.Sprintf("id-%d", i), "EventName": "N", "ReadOnly": "true",
			"EventTime": 1.637228462e9 + float64(i)/8, "EventSource": "s.amazonaws.com", "CloudTrailEvent": records[i%len(records)],
			"Resources": []any{map[string]any{"ResourceType": "t", "ResourceName": "n"}}, "Username": "u"})
	}
	page, err := json.Marshal(map[string]any{"Events": events, "NextToken": "tok"})
	require.NoError(t, err)
	return [][]byte{
		page,
		[]byte(`{}`), []byte(`{"Events":[]}`), []byte(`{"Events":null,"NextToken":null}`),
		[]byte(`{"Events":[{}],"NextToken":""}`), []byte(`{"Events":[null]}`),
		[]byte(`{"Events":[{"EventId":"a","EventTime":1637228462.125,"CloudTrailEvent":"{\"a\":\"\\u00e9\\ud83d\\ude00\"}"}]}`),
		[]byte(`{"Events":[{"EventId":"a","EventTime":-1.5e3}]}`), []byte(`{"Events":[{"EventId":"a","EventTime":1e400}]}`),
		[]byte(`{"Events":[{"EventId":"a","ReadOnly":true}]}`), []byte(`{"Events":[],"NextToken":12345}`),
		[]byte(`{"Events":[{"EventId":"a","EventTime":"2021-11-18T09:41:02Z"}]}`), []byte(`{"Events":{}}`),
		[]byte(`{"Events":[{"EventId":"a","Resources":{}}]}`), []byte(`{"Events":[{"EventId":"a","Unknown":[1,{"b":2}]}]}`),
		[]byte(`{"events":[{"eventid":"lower"}]}`), []byte(`{"Events":[{"EventId":"a"},{"EventId":"a"}],"Events":[{"EventId":"b"}]}`),
	}
}

func TestDecodeMatchesSDK(t *testing.T) {
	srv := newCannedServer(t)
	client := newClient(t, srv.url, noRetries)
	for _, body := range decodeSeeds(t) {
		sameAsSDK(t, srv, client, body)
	}
}

func FuzzDecodeMatchesSDK(f *testing.F) {
	srv := newCannedServer(f)
	client := newClient(f, srv.url, noRetries)
	for _, body := range decodeSeeds(f) {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) { sameAsSDK(t, srv, client, body) })
}

// BenchmarkLookupPage is one LookupEvents page of 50 real records (about 110 KB) through
// the SDK client, its middleware and the decoding, over loopback: the receiver's cost per
// page, which the decoding dominates.
func BenchmarkLookupPage(b *testing.B) {
	srv := newCannedServer(b)
	client := newClient(b, srv.url, noRetries)
	page := decodeSeeds(b)[0]
	srv.set(string(page), 200, amzJSON)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := client.Lookup(context.Background(), lastHour(), "")
		if err != nil || len(p.Events) != 50 {
			b.Fatal(len(p.Events), err)
		}
	}
}

// Pages decoded at once, each into a buffer the next page may reuse, keep their own
// contents: every event of a page carries the number of its response, as its NextToken
// does.
func TestConcurrentPagesKeepTheirOwnContents(t *testing.T) {
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		k := n.Add(1)
		var events []string
		for i := range 20 {
			events = append(events, fmt.Sprintf(`{"EventId":"%d-%d","EventTime":1637228462,"CloudTrailEvent":"{\"n\":%d,\"pad\":\"%s\"}"}`,
				k, i, k, strings.Repeat("x", int(k%7)*300)))
		}
		w.Header().Set("Content-Type", amzJSON)
		_, _ = fmt.Fprintf(w, `{"Events":[%s],"NextToken":"%d"}`, strings.Join(events, ","), k)
	}))
	t.Cleanup(ts.Close)
	client := newClient(t, ts.URL, noRetries)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				page, err := client.Lookup(context.Background(), lastHour(), "")
				if !assert.NoError(t, err) {
					return
				}
				assert.Len(t, page.Events, 20)
				for i, e := range page.Events {
					assert.Equal(t, fmt.Sprintf("%s-%d", page.NextToken, i), e.ID)
					assert.Contains(t, e.Record, `{"n":`+page.NextToken+`,`)
				}
			}
		}()
	}
	wg.Wait()
}
