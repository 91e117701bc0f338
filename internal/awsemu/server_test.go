// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testAuth = "AWS4-HMAC-SHA256 Credential=AKIDRAW/20260301/us-east-1/cloudtrail/aws4_request, " +
	"SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=deadbeef"

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// rawPost sends an awsJson1_1 request without the SDK and returns status, headers and
// the decoded JSON body.
func rawPost(t *testing.T, url, path, target, auth, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", jsonContentType)
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	return resp.StatusCode, resp.Header, out
}

func TestBothTargetForms(t *testing.T) {
	h := newHarness(t, Options{})
	ev := NewRecord(RecordSpec{EventTime: t0.Add(-time.Minute), ReadOnly: true})
	h.srv.Store().Add(ev)
	for _, target := range []string{LookupEventsTarget, LookupEventsTargetLong} {
		status, hdr, out := rawPost(t, h.url, "/", target, testAuth, `{"MaxResults":5}`)
		require.Equal(t, http.StatusOK, status, target)
		assert.Equal(t, jsonContentType, hdr.Get("Content-Type"))
		assert.Regexp(t, uuidRE, hdr.Get("x-amzn-RequestId"))
		events := out["Events"].([]any)
		require.Len(t, events, 1)
		got := events[0].(map[string]any)
		assert.Equal(t, ev.EventID, got["EventId"])
		assert.Equal(t, "true", got["ReadOnly"], "ReadOnly is a string")
		assert.InDelta(t, float64(ev.EventTime.Unix()), got["EventTime"], 0, "EventTime is epoch seconds")
		assert.NotContains(t, got, "Resources", "empty fields are omitted")
		assert.NotContains(t, out, "NextToken")
	}
}

func TestErrorShapes(t *testing.T) {
	h := newHarness(t, Options{RequestsPerSecond: 1, Burst: 1})
	cases := []struct {
		target, auth, body, code string
		status                   int
	}{
		{LookupEventsTarget, "", `{}`, "MissingAuthenticationTokenException", 400},
		{LookupEventsTarget, "AWS4-HMAC-SHA256 Signature=x", `{}`, "IncompleteSignatureException", 400},
		{"CloudTrail_20131101.CreateTrail", testAuth, `{}`, "UnknownOperationException", 400},
		{LookupEventsTarget, testAuth, `{not json`, "SerializationException", 400},
		{LookupEventsTarget, testAuth, `{}`, "ThrottlingException", 400}, // bucket spent above
	}
	for _, tc := range cases {
		status, hdr, out := rawPost(t, h.url, "/", tc.target, tc.auth, tc.body)
		assert.Equal(t, tc.status, status, tc.code)
		assert.Equal(t, tc.code, out["__type"])
		assert.NotEmpty(t, out["message"])
		assert.Regexp(t, uuidRE, hdr.Get("x-amzn-RequestId"))
	}
	_, _, out := rawPost(t, h.url, "/", LookupEventsTarget, testAuth, `{}`)
	assert.Equal(t, map[string]any{"__type": "ThrottlingException", "message": "Rate exceeded"}, out)
}

func TestRequestsWithoutTargetGoToFallback(t *testing.T) {
	h := newHarness(t, Options{}) // no Fallback, no Extension: the generic 404
	status, hdr, out := rawPost(t, h.url, "/NoSuchOperation", "", testAuth, `{}`)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "UnknownOperationException", out["__type"])
	assert.Regexp(t, uuidRE, hdr.Get("x-amzn-RequestId"))
	assert.Equal(t, "UnknownOperationException", h.srv.Requests()[0].ErrorCode)
	assert.Equal(t, 1, h.srv.Stats().ClientErrors)

	var called atomic.Bool
	h2 := newHarness(t, Options{Fallback: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called.Store(true)
		_, _ = io.WriteString(w, `{"AnomalyDetectorSummaryList":[]}`)
	})})
	status, _, _ = rawPost(t, h2.url, "/ListAnomalyDetectors", "", testAuth, `{}`)
	assert.Equal(t, http.StatusOK, status)
	assert.True(t, called.Load())
	recs := h2.srv.Requests()
	require.Len(t, recs, 1)
	assert.Equal(t, "POST /ListAnomalyDetectors", recs[0].Operation)
	assert.Equal(t, DefaultAccountID, recs[0].Account)
}

func TestAccountAndRegionFromCredentialScope(t *testing.T) {
	h := newHarness(t, Options{Accounts: map[string]string{"AKIDB": "222222222222"}})
	a := h.seed(2, t0.Add(-time.Hour), nil)
	b := h.seed(3, t0.Add(-time.Hour), func(_ int, s *RecordSpec) { s.Account = "222222222222" })
	w := h.seed(1, t0.Add(-time.Hour), func(_ int, s *RecordSpec) { s.Region = "us-west-2" })
	in := &cloudtrail.LookupEventsInput{}
	got, _ := lookupAll(t, h.client("AKIDUNKNOWN"), in)
	assert.Equal(t, newestFirstIDs(a), eventIDs(got), "unknown keys map to the default account")
	got, _ = lookupAll(t, h.client("AKIDB"), in)
	assert.Equal(t, newestFirstIDs(b), eventIDs(got))
	got, _ = lookupAll(t, h.client(testAKID, func(o *cloudtrail.Options) { o.Region = "us-west-2" }), in)
	assert.Equal(t, newestFirstIDs(w), eventIDs(got))

	recs := h.srv.Requests()
	require.Len(t, recs, 3)
	assert.Equal(t, "AKIDB", recs[1].AccessKeyID)
	assert.Equal(t, "222222222222", recs[1].Account)
	assert.Equal(t, "us-west-2", recs[2].Region)
	assert.Equal(t, LookupEventsTarget, recs[2].Target)
	assert.Equal(t, "LookupEvents", recs[2].Operation)
	assert.Equal(t, t0, recs[2].Time)
}

func TestStartAndClose(t *testing.T) {
	srv := New(Options{})
	require.NoError(t, srv.Close(), "closing an unstarted server is a no-op")
	url, err := srv.Start("127.0.0.1:0")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(url, "http://127.0.0.1:"))
	_, err = srv.Start("127.0.0.1:0")
	require.Error(t, err)
	require.NoError(t, srv.Close())
	resp, err := http.Get(url)
	if err == nil {
		_ = resp.Body.Close()
	}
	require.Error(t, err, "the listener is closed")
}
